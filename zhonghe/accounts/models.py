"""Users, organisations and their roles. Objects are always scoped by organisation."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "用户")
        verbose_name_plural = pgettext_lazy("model plural", "用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class OrgKind(models.TextChoices):
    AGENCY = "agency", _("党政机关")
    INSTITUTION = "institution", _("事业单位")
    SOE = "soe", _("国有企业")
    OTHER = "other", _("其他单位")
    INDIVIDUAL = "individual", _("个人")


class OrgLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("市级")
    DISTRICT = "district", _("区（县）级")


class Role(models.TextChoices):
    ORGANISER = "organiser", _("活动组织方")
    SELLER = "seller", _("减排量出售方")
    REVIEWER = "reviewer", _("生态环境局审核")
    VERIFIER = "verifier", _("第三方核查机构")
    ADMIN = "admin", _("平台管理员")


class Organization(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("名称"), max_length=200)
    # Individuals have no USCC; they are identified by the user account instead.
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=OrgKind.choices)
    level = models.CharField(_("层级"), max_length=20, choices=OrgLevel.choices, blank=True)
    district_code = models.CharField(_("所在区县"), max_length=6, blank=True)
    # The supervising (主管) department, e.g. 市商务委: the bureau's dashboards group coverage by it.
    # db_default: rows written by code that predates the column (older migrations, other branches) get "".
    department = models.CharField(_("主管部门"), max_length=100, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "单位")
        verbose_name_plural = pgettext_lazy("model plural", "单位")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="individual") | models.Q(uscc__isnull=False),
                name="org_uscc_required_unless_individual",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "成员角色")
        verbose_name_plural = pgettext_lazy("model plural", "成员角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class NumberSequence(models.Model):
    """Gap-free human numbers (certificates, retirements), advanced under a row lock."""

    name = models.CharField(max_length=40, primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = pgettext_lazy("model", "编号序列")
        verbose_name_plural = pgettext_lazy("model plural", "编号序列")

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"
