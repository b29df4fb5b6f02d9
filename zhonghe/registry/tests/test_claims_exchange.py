"""Cross-platform duplicate-claim check (issue 8 item 6): claims_export writes every claimed range, claims_check
reports another platform's overlaps with ours and fails when there is any."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from zhonghe.footprints.tests.builders import AFTER_EVENT, accounted_event, buy, project_with_credits
from zhonghe.registry.external import external_cancellation_confirm
from zhonghe.registry.services import credits_retire
from zhonghe.registry.tests.external_builders import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed(actors):
    """Ours: CQCER-2025-0007 1–13 retired; CCER 700–709 confirmed, 800–804 still pending (not a claim yet)."""
    project = project_with_credits(actors, 100)
    buy(actors, project, 20)
    event, _ = accounted_event(actors.organiser, after_kwh="100000")
    [retirement] = credits_retire(
        actor=actors.organiser, event_code=event.code, project_code=project.code, quantity_t=13, reason="抵消"
    )
    with time_machine.travel(AFTER_EVENT.replace(day=22), tick=False):
        x = record(actors.organiser, event, first=700, last=709)
        record(actors.organiser, event, first=800, last=804)
        external_cancellation_confirm(actor=actors.bureau, code=x.code)
    x.refresh_from_db()
    return retirement, x


def _export(tmp_path, fmt):
    path = tmp_path / f"ours.{fmt}"
    call_command("claims_export", format=fmt, output=str(path))
    return path


def test_export_lists_retirements_and_confirmed_external_claims(tmp_path, claimed):
    retirement, x = claimed
    data = json.loads(_export(tmp_path, "json").read_text(encoding="utf-8"))
    assert data["format"] == "zhonghe-claims/1"
    assert [
        (c["registry"], c["batch"], c["serial_first"], c["serial_last"], c["kind"], c["reference"])
        for c in data["claims"]
    ] == [
        ("zhonghe", "CQCER-2025-0007", 1, 13, "retired", retirement.number),
        ("ccer_national", "", 700, 709, "external", x.number),
    ]
    csv_text = _export(tmp_path, "csv").read_text(encoding="utf-8").splitlines()
    assert csv_text[0] == "registry,batch,serial_first,serial_last,quantity_t,kind,reference,claimed_on"
    assert len(csv_text) == 3


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_our_own_export_checked_against_us_overlaps_everywhere(tmp_path, claimed, fmt, capsys):
    with pytest.raises(CommandError, match="2 overlapping claim"):
        call_command("claims_check", str(_export(tmp_path, fmt)))
    assert capsys.readouterr().out.count("overlap:") == 2


def test_disjoint_claims_pass_and_edges_count(tmp_path, claimed, capsys):
    theirs = tmp_path / "theirs.csv"
    theirs.write_text(
        "registry,batch,serial_first,serial_last,quantity_t,kind,reference,claimed_on\n"
        "zhonghe,CQCER-2025-0007,14,30,17,retired,P2-1,2027-03-01\n"  # after our 1–13
        "zhonghe,CQCER-OTHER,1,13,13,retired,P2-2,2027-03-01\n"  # another project
        "ccer_national,,710,720,11,external,P2-3,2027-03-01\n"  # after our 700–709
        "ccer_national,,800,804,5,external,P2-4,2027-03-01\n"  # ours there is only pending
        "allowance_national,,700,709,10,external,P2-5,2027-03-01\n",  # another registry
        encoding="utf-8",
    )
    call_command("claims_check", str(theirs))
    assert "5 claim(s), no overlap" in capsys.readouterr().out
    theirs.write_text(
        "registry,batch,serial_first,serial_last\nccer_national,,709,709\nzhonghe,CQCER-2025-0007,13,14\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="2 overlapping claim"):
        call_command("claims_check", str(theirs))


@pytest.mark.parametrize(
    "text",
    [
        "registry,serial_first,serial_last\nverra,1,2\n",
        "registry,serial_first,serial_last\nzhonghe,5,2\n",
        "{bad json",
        '{"claims": 3}',
        "registry,serial_first,serial_last,quantity_t\nzhonghe,1,2,5\n",
    ],
    ids=["registry", "reversed", "json", "shape", "quantity"],
)
def test_malformed_lists_are_refused(tmp_path, db, text):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("claims_check", str(path))
