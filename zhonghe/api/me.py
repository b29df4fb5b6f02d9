"""The calling organisation and the roles its key acts with."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from zhonghe.accounts.actors import Actor
from zhonghe.api.auth import actor_of
from zhonghe.api.schemas import responses

router = Router(tags=["me"])


class OrganizationOut(Schema):
    code: UUID
    name: str
    uscc: str | None
    kind: str
    level: str
    district_code: str


class MeOut(Schema):
    organization: OrganizationOut
    roles: list[str]
    api_key_id: str

    @staticmethod
    def resolve_roles(obj: Actor) -> list[str]:
        return sorted(obj.roles)


@router.get("/me", response=responses(200, MeOut))
def me(request: HttpRequest):
    return actor_of(request)
