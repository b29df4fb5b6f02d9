"""Reads of evaluations, scoped: the event's organiser, the assigned verifier and the bureau; others NotFound."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Membership, Organization, Role
from zhonghe.evaluations.checklist import CHECKLIST
from zhonghe.evaluations.models import Evaluation, EvaluationStatus, Finding
from zhonghe.events.models import Event
from zhonghe.footprints.models import InventoryVersion
from zhonghe.lib.errors import NotFound
from zhonghe.lib.ids import parse_code


def evaluation_list_for_actor(actor: Actor) -> QuerySet[Evaluation]:
    """The bureau sees every evaluation; a verifier those assigned to it; an organiser those of its events."""
    qs = Evaluation.objects.select_related("event", "event__organization", "verifier", "inventory")
    if actor.has(Role.REVIEWER):
        return qs
    return qs.filter(Q(verifier=actor.organization) | Q(event__organization=actor.organization))


def evaluation_tasks_for_verifier(actor: Actor) -> QuerySet[Evaluation]:
    """A verifier's task list: evaluations assigned to its organisation, open ones first."""
    return (
        Evaluation.objects.select_related("event", "event__organization")
        .filter(verifier=actor.organization)
        .order_by(F("accepted_at").asc(nulls_first=True), "-id")  # NULL (not yet accepted) first on every DB
    )


def evaluation_get(actor: Actor, code: object) -> Evaluation:
    evaluation = evaluation_list_for_actor(actor).filter(code=parse_code(code, "evaluation")).first()
    if evaluation is None:
        raise NotFound(_("评价不存在"))
    return evaluation


def evaluation_current_for_event(event: Event) -> Evaluation | None:
    """The event's latest evaluation (an accepted one stays current until a new one is asked for)."""
    return Evaluation.objects.select_related("verifier").filter(event=event).order_by("-id").first()


def evaluation_accepted_for(event: Event, inventory: InventoryVersion) -> Evaluation | None:
    """The accepted evaluation of exactly this inventory version, if any (certificate issuance needs one)."""
    return (
        Evaluation.objects.select_related("verifier")
        .filter(event=event, inventory=inventory, status=EvaluationStatus.ACCEPTED)
        .order_by("-id")
        .first()
    )


def finding_get(actor: Actor, code: object) -> Finding:
    finding = (
        Finding.objects.select_related("evaluation")
        .filter(code=parse_code(code, "finding"), evaluation__in=evaluation_list_for_actor(actor))
        .first()
    )
    if finding is None:
        raise NotFound(_("核查发现不存在"))
    return finding


def checklist_rows(evaluation: Evaluation) -> list[dict]:
    """Every checklist item with the evaluator's answer (None when not yet checked), in checklist order."""
    checks = {c.item: c for c in evaluation.checks.all()}
    return [{"item": item, "check": checks.get(item.key)} for item in CHECKLIST]


def verifier_organisations() -> QuerySet[Organization]:
    """Organisations with a third-party verifier member, by name."""
    ids = Membership.objects.filter(role=Role.VERIFIER).values_list("organization_id", flat=True)
    return Organization.objects.filter(id__in=ids).order_by("name")
