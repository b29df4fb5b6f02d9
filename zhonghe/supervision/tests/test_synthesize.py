"""`manage.py synthesize`: refused unless asked for, marked synthetic, and the dashboards' figures add up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.utils import timezone

from zhonghe.accounts.models import Organization
from zhonghe.events.models import ActivityCategory, Event
from zhonghe.footprints.models import InventorySourceTotal, InventoryVersion
from zhonghe.footprints.source_totals import source_column
from zhonghe.registry.models import Retirement
from zhonghe.supervision.figures import coverage_cube, emissions_by_kind, offsets_by_project
from zhonghe.supervision.filters import Filters
from zhonghe.supervision.synth import MARK


def test_refused_without_the_flag(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="--yes-synthetic"):
        call_command("synthesize", "--events", "10")
    assert not Event.objects.exists()


def test_refused_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("synthesize", "--events", "10", "--yes-synthetic")
    assert not Event.objects.exists()


def test_creates_marked_events_whose_figures_agree(db, settings):
    settings.DEBUG = False
    call_command("synthesize", "--events", "300", "--yes-synthetic", "--force")
    assert Event.objects.count() == 300
    assert not Event.objects.exclude(name__startswith=MARK).exists()
    assert not Organization.objects.exclude(name__startswith=MARK).exists()
    today = timezone.localdate()
    totals = coverage_cube(Filters(), today).totals
    assert totals.total == 300 and 0 < totals.neutralised <= totals.obliged
    assert offsets_by_project(Filters(), today)["total_t"] == Retirement.objects.aggregate(s=Sum("quantity_t"))["s"]
    emissions = emissions_by_kind(Filters(), today)
    assert emissions["total_kg"] == sum(emissions["by_source"].values())
    # The dashboard's summary row of each synthetic inventory holds its total and its by-source totals.
    columns = ["total_kg_co2e", *(source_column(c) for c in ActivityCategory.values)]
    rows = {
        r["inventory_id"]: r for r in InventorySourceTotal.objects.filter(latest=True).values("inventory_id", *columns)
    }
    expected = {
        i.pk: {
            "inventory_id": i.pk,
            "total_kg_co2e": i.total_kg_co2e,
            **{source_column(c): Decimal(i.by_source_kg.get(c, "0")) for c in ActivityCategory.values},
        }
        for i in InventoryVersion.objects.all()
    }
    assert rows and rows == expected
