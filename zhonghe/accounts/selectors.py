from __future__ import annotations

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Membership, Organization, User


def actor_for_user(user: User) -> Actor | None:
    """The user's organisation and roles there. A user belongs to one organisation (first by id)."""
    memberships = list(Membership.objects.filter(user=user).select_related("organization").order_by("id"))
    if not memberships:
        return None
    org = memberships[0].organization
    roles = frozenset(m.role for m in memberships if m.organization_id == org.id)
    return Actor(organization=org, roles=roles, user=user)


def actor_for_org(org: Organization, *, api_key_id: str = "") -> Actor:
    """An API key acts with every role its organisation's members hold."""
    roles = frozenset(Membership.objects.filter(organization=org).values_list("role", flat=True).distinct())
    return Actor(organization=org, roles=roles, api_key_id=api_key_id)


def organization_by_uscc(uscc: str) -> Organization | None:
    return Organization.objects.filter(uscc=uscc.strip().upper()).first()
