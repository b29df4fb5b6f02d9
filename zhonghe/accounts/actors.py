"""Who is acting: a user (or an API key) on behalf of one organisation with a set of roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhonghe.accounts.models import Organization, Role, User
from zhonghe.lib.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    organization: Organization
    roles: frozenset[str]
    user: User | None = None
    api_key_id: str = ""

    def has(self, role: str) -> bool:
        return role in self.roles or "admin" in self.roles

    def require(self, role: str) -> None:
        if not self.has(role):
            label = Role(role).label if role in Role.values else role  # the role's name, never its code
            raise PermissionDenied(_("当前账号没有执行此操作的角色：%(role)s") % {"role": label})

    @property
    def user_or_none(self) -> User | None:
        return self.user
