"""Partner and organisation API keys. Only a hash of the secret is stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy


class ApiKey(models.Model):
    key_id = models.CharField(max_length=24, unique=True)
    secret_hash = models.CharField(max_length=64)
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="api_keys")
    scopes = models.CharField(max_length=100, default="read")
    name = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "接口密钥")
        verbose_name_plural = pgettext_lazy("model plural", "接口密钥")

    def __str__(self) -> str:
        return f"{self.key_id} ({self.organization_id})"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)


class IdempotencyRecord(models.Model):
    """A create request already carried out for this organisation and key (web form token or Idempotency-Key).

    A repeat with the same operation and parameters gets the same result back; anything else is refused.
    """

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=80)
    operation = models.CharField(max_length=80)
    request_hash = models.CharField(max_length=64)
    result_ref = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "幂等记录")
        verbose_name_plural = pgettext_lazy("model plural", "幂等记录")
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.operation} {self.key}"
