"""Every public function of every writer module is accounted for: it appends an audit entry, or it is a
read, or it is exempt for a stated reason. A new service (any `zhonghe/*/services.py`) fails here until it is
added to SERVICES — and an audited one fails unless `audit_append(action=…)` is reachable from it.

The reachability check is static (ast): the function's own body and the module-private helpers and lambdas it
calls. The behaviour — an entry in the same transaction, none when the service refuses — is tested by running
services in test_service_entries.py.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
READ = "read"
EXTRA_WRITER_MODULES = [
    "zhonghe.accounts.admin_service",
    "zhonghe.interop.idempotency",
    "zhonghe.events.workflow",
    "zhonghe.registry.listings",
    "zhonghe.registry.basket",
    "zhonghe.registry.ledger",
    "zhonghe.certificates.keys",
    "zhonghe.registry.external",
    "zhonghe.registry.invalidation",
    "zhonghe.supervision.synth",
]
JOBS = "exempt: the job queue's own bookkeeping (claim, progress, retry); a job's work is logged by its services"
HELPER = "exempt: a helper run inside a service that logs the action"
USAGE = "exempt: the reader's own read mark on a notification (usage, like api_key last_used_at, not a change)"

# "<module>.<function>": the action codes it appends, READ, or "exempt: <reason>".
SERVICES: dict[str, object] = {
    "zhonghe.accounts.services.organization_create": {"organization.create"},
    "zhonghe.accounts.services.user_create": {"user.create", "membership.grant"},
    "zhonghe.accounts.services.next_number": HELPER + " (a gap-free counter)",
    "zhonghe.accounts.admin_service.show_refusal": READ,
    "zhonghe.interop.services.api_key_create": {"api_key.create"},
    "zhonghe.interop.services.api_key_authenticate": "exempt: stamps last_used_at (usage, not a change)",
    "zhonghe.interop.idempotency.clean_key": READ,
    "zhonghe.interop.idempotency.request_hash": READ,
    "zhonghe.interop.idempotency.was_carried_out": READ,
    "zhonghe.interop.idempotency.run_idempotent": HELPER + " (its replay record)",
    "zhonghe.jobs.services.retry_delay_s": READ,
    "zhonghe.jobs.services.job_enqueue": JOBS,
    "zhonghe.jobs.services.job_claim": JOBS,
    "zhonghe.jobs.services.job_progress": JOBS,
    "zhonghe.jobs.services.job_finish": JOBS,
    "zhonghe.jobs.services.job_fail": JOBS,
    "zhonghe.jobs.services.job_recover_stale": JOBS,
    "zhonghe.jobs.services.jobs_prune": JOBS,
    "zhonghe.events.services.event_create": {"event.create"},
    "zhonghe.events.services.event_update": {"event.update"},
    "zhonghe.events.services.event_submit": {"event.submit"},
    "zhonghe.events.services.plan_save": {"plan.create", "plan.update"},
    "zhonghe.events.services.plan_publish": {"plan.publish"},
    "zhonghe.events.services.event_withdraw": {"event.withdraw"},
    "zhonghe.events.workflow.allowed_actions": READ,
    "zhonghe.events.workflow.transition": HELPER + " (EventTransition is itself append-only history)",
    "zhonghe.footprints.services.current_release": READ,
    "zhonghe.footprints.services.activity_add": {"activity.create"},
    "zhonghe.footprints.services.activity_delete": {"activity.delete"},
    "zhonghe.footprints.services.plan_estimate": {"plan.estimate"},
    "zhonghe.footprints.services.inventory_freeze": {"inventory.freeze"},
    "zhonghe.registry.services.project_register": {"project.register"},
    "zhonghe.registry.services.credits_issue": {"credits.issue"},
    "zhonghe.registry.services.order_create": {"order.create"},
    "zhonghe.registry.services.order_confirm": {"order.confirm"},
    "zhonghe.registry.services.order_reject": {"order.reject"},
    "zhonghe.registry.services.credits_retire": {"credits.retire"},
    "zhonghe.registry.services.retirement_beneficiary": READ,
    "zhonghe.registry.listings.earmarked_t": READ,
    "zhonghe.registry.listings.active_t": READ,
    "zhonghe.registry.listings.free_t": READ,
    "zhonghe.registry.listings.listing_create": {"listing.create"},
    "zhonghe.registry.listings.locked_listing": READ,
    "zhonghe.registry.listings.listing_update": {"listing.update"},
    "zhonghe.registry.listings.listing_withdraw": {"listing.withdraw"},
    "zhonghe.registry.listings.check_reservable": READ,
    "zhonghe.registry.listings.reserve": HELPER + " (order_create)",
    "zhonghe.registry.listings.release": HELPER + " (order_reject, order_cancel, orders_expire)",
    "zhonghe.registry.listings.order_cancel": {"order.cancel"},
    "zhonghe.registry.listings.orders_expire": {"order.expire"},
    "zhonghe.registry.basket.offer_of": READ,
    "zhonghe.registry.basket.reason_text": READ,
    "zhonghe.registry.basket.basket_for_event": READ,
    "zhonghe.registry.basket.basket_deviations": READ,
    "zhonghe.registry.basket.basket_order": "via zhonghe.registry.services.order_create",
    "zhonghe.registry.ledger.entry_body": READ,
    "zhonghe.registry.ledger.entry_hash": READ,
    "zhonghe.registry.ledger.content_hash": READ,
    "zhonghe.registry.ledger.content_of": READ,
    "zhonghe.registry.ledger.hash_of_content": READ,
    "zhonghe.registry.ledger.sealed_body": READ,
    "zhonghe.registry.ledger.allocate_id": HELPER + " (credits_retire: the retirement's id and number)",
    "zhonghe.registry.ledger.ledger_seal": "exempt: chains committed ledger entries (their seal columns, once); "
    "the moves were logged by their services",
    "zhonghe.registry.ledger.ledger_seal_all": "exempt: repeats ledger_seal until nothing is pending",
    "zhonghe.registry.ledger.append_entry": HELPER + " (the registry services)",
    "zhonghe.registry.listings.earmarked_sql": READ,
    "zhonghe.registry.ledger.write_pending": HELPER + " (credits_retire: its block moves with its own rows)",
    "zhonghe.registry.ledger.new_entry": HELPER + " (credits_retire: an unsaved entry it inserts with its rows)",
    "zhonghe.registry.ledger.take_from_blocks": HELPER + " (the registry services)",
    "zhonghe.registry.ledger.take_range": HELPER + " (the registry services)",
    "zhonghe.registry.ledger.invalidate_block": HELPER + " (credits_invalidate)",
    "zhonghe.registry.external.proof_kind": READ,
    "zhonghe.registry.external.claimed_conflict": READ,
    "zhonghe.registry.external.external_cancellation_record": {"external_cancellation.record"},
    "zhonghe.registry.external.external_cancellation_confirm": {"external_cancellation.confirm"},
    "zhonghe.registry.external.external_cancellation_reject": {"external_cancellation.reject"},
    "zhonghe.registry.invalidation.credits_invalidate": {"credits.invalidate"},
    "zhonghe.evaluations.services.evaluation_request": {"evaluation.request", "evaluation.resubmit"},
    "zhonghe.evaluations.services.evaluation_assign": {"evaluation.assign"},
    "zhonghe.evaluations.services.evaluation_check": {"evaluation.check"},
    "zhonghe.evaluations.services.finding_add": {"finding.add"},
    "zhonghe.evaluations.services.finding_respond": {"finding.respond"},
    "zhonghe.evaluations.services.finding_close": {"finding.close"},
    "zhonghe.evaluations.services.evaluation_return": {"evaluation.return"},
    "zhonghe.evaluations.services.conclusion_digest": READ,
    "zhonghe.evaluations.services.evaluation_conclude": {"evaluation.conclude"},
    "zhonghe.evaluations.services.evaluation_accept": {"evaluation.accept"},
    "zhonghe.evaluations.services.evaluation_reject": {"evaluation.reject"},
    "zhonghe.certificates.services.certificate_issue": {"certificate.issue"},
    "zhonghe.certificates.services.certificate_revoke": {"certificate.revoke"},
    "zhonghe.certificates.services.certificate_correction_open": {"event.correction_open"},
    "zhonghe.certificates.services.case_feature": {"case.feature", "case.unfeature"},
    "zhonghe.certificates.keys.key_source": READ,
    "zhonghe.certificates.keys.load_configured_key": READ,
    "zhonghe.certificates.keys.write_key_file": "exempt: writes the key file, not the database",
    "zhonghe.certificates.keys.publish": {"signing_key.publish"},
    "zhonghe.certificates.keys.signing_key": {"signing_key.publish"},
    "zhonghe.certificates.keys.retire": {"signing_key.retire"},
    "zhonghe.certificates.keys.check_signing_key": READ,
    "zhonghe.imports.services.import_create": {"import.create"},
    "zhonghe.imports.services.import_process": {"import.process"},
    "zhonghe.imports.services.progress_writer": "exempt: the worker's rows read/validated/resolved counters "
    "(progress, like job_progress); the outcome is logged by import_process",
    "zhonghe.imports.services.import_places_confirm": {"import.places_confirm"},
    "zhonghe.imports.services.import_commit": {"import.commit"},
    "zhonghe.imports.services.import_commit_queued": "via zhonghe.imports.services.import_commit",
    "zhonghe.imports.services.import_fail": {"import.fail"},
    "zhonghe.plans.services.plan_estimate_copy": {"activity.copy"},
    "zhonghe.plans.services.reduction_measure_adopt": {"measure.adopt"},
    "zhonghe.plans.services.reduction_measure_remove": {"measure.remove"},
    "zhonghe.plans.services.stale_measures": READ,
    "zhonghe.plans.services.plan_publish_checked": "via zhonghe.events.services.plan_publish",
    "zhonghe.notifications.services.threshold_for": READ,
    "zhonghe.notifications.services.deadline_reminders_send": {"reminder.send"},
    "zhonghe.notifications.services.notification_mark_read": USAGE,
    "zhonghe.notifications.services.notifications_mark_all_read": USAGE,
    "zhonghe.supervision.synth.synthetic_create": "exempt: synthetic benchmark rows (manage.py synthesize, refused "
    "without --yes-synthetic), bulk-created past the services on purpose: not real data, no audit chain",
}
WRITE_CALLS = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}


def writer_modules() -> list[str]:
    found = sorted(
        f"zhonghe.{p.parent.name}.services" for p in PACKAGE.glob("*/services.py") if p.parent.name != "audit"
    )
    return found + EXTRA_WRITER_MODULES


def public_functions(module_name: str) -> list[str]:
    tree = ast.parse(Path(importlib.import_module(module_name).__file__).read_text(encoding="utf-8"))
    return [
        f"{module_name}.{node.name}"
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    ]


def _reach(module_name: str, function: str) -> tuple[set[str], set[str]]:
    """(action codes passed to audit_append, write method names) reachable from `function` within its module."""
    tree = ast.parse(Path(importlib.import_module(module_name).__file__).read_text(encoding="utf-8"))
    defs = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    actions: set[str] = set()
    writes: set[str] = set()
    seen: set[str] = set()
    todo = [function]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(defs[name]):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func
            # audit_entry builds the same entry for a service that inserts it with the rows it logs
            if isinstance(callee, ast.Name) and callee.id in ("audit_append", "audit_entry"):
                action = next(k.value for k in node.keywords if k.arg == "action")
                actions |= {
                    c.value for c in ast.walk(action) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
            elif isinstance(callee, ast.Name) and callee.id in defs:
                todo.append(callee.id)
            elif isinstance(callee, ast.Attribute) and callee.attr in WRITE_CALLS:
                writes.add(callee.attr)
    return actions, writes


def test_every_public_function_of_every_writer_module_is_in_the_map():
    found = {name for module in writer_modules() for name in public_functions(module)}
    missing = sorted(found - set(SERVICES))
    assert missing == [], f"add these to SERVICES (an audit_append call, READ, or an exemption): {missing}"
    stale = sorted(set(SERVICES) - found)
    assert stale == [], f"no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(k for k, v in SERVICES.items() if isinstance(v, set)))
def test_audited_services_reach_audit_append_with_their_actions(name):
    module, function = name.rsplit(".", 1)
    actions, _writes = _reach(module, function)
    assert SERVICES[name] <= actions, f"{name} appends {sorted(actions)}, expected {sorted(SERVICES[name])}"


@pytest.mark.parametrize("name", sorted(k for k, v in SERVICES.items() if v == READ))
def test_reads_write_nothing(name):
    module, function = name.rsplit(".", 1)
    actions, writes = _reach(module, function)
    assert (actions, writes) == (set(), set()), f"{name} is listed as a read but writes: {sorted(writes)}"


@pytest.mark.parametrize("name", sorted(k for k, v in SERVICES.items() if str(v).startswith("via ")))
def test_delegating_services_call_an_audited_service(name):
    target = str(SERVICES[name]).removeprefix("via ")
    assert isinstance(SERVICES[target], set)
    module, function = name.rsplit(".", 1)
    tree = ast.parse(Path(importlib.import_module(module).__file__).read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
    calls = [c.func for c in ast.walk(node) if isinstance(c, ast.Call)]
    called = {f.id for f in calls if isinstance(f, ast.Name)} | {f.attr for f in calls if isinstance(f, ast.Attribute)}
    assert target.rsplit(".", 1)[1] in called


def test_every_action_code_has_a_label_for_the_page():
    from zhonghe.audit.labels import ENTITIES, VERBS

    codes = set().union(*(v for v in SERVICES.values() if isinstance(v, set)))
    unlabelled = sorted(c for c in codes if c.partition(".")[0] not in ENTITIES or c.partition(".")[2] not in VERBS)
    assert unlabelled == [], "add the entity and verb to zhonghe/audit/labels.py"


def test_the_scan_sees_a_missing_call():
    """The analysis itself: a writer without audit_append reaches no action, and a write is seen."""
    assert _reach("zhonghe.registry.listings", "reserve") == (set(), {"save"})
