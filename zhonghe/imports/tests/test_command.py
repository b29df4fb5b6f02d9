"""``manage.py footprint_file``: one line per aggregated line, then the total; non-zero exit on a bad file."""

import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from zhonghe.data.factor_releases import load_release
from zhonghe.data.places import city_place
from zhonghe.engine.activities import Activity, Category, TravelActivity, TravelMode
from zhonghe.engine.footprint import calculate_footprint

from .spreadsheets import ACTIVITY_ZH, ZH, csv_bytes, xlsx_bytes

REPO = Path(__file__).resolve().parents[3]


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("footprint_file", str(path), *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


def test_prints_lines_and_a_total_equal_to_the_engine(tmp_path):
    path = tmp_path / "attendees.csv"
    path.write_bytes(csv_bytes([ZH, ["张三", "成都", "", "高铁", "是", "2", "", "", ""],
                                ["李四", "成都东站", "", "高铁", "是", "1", "", "", ""],
                                ["王五", "贵阳", "", "大巴", "否", "1", "", "", ""]]))  # fmt: skip
    lines, _ = run(path, "--destination", "重庆")
    *body, last = lines
    assert len(body) == 2 and all(line.count("\t") == 4 for line in body)
    assert last.startswith("total_kg_co2e: ")
    total = Decimal(last.removeprefix("total_kg_co2e: "))
    assert total == sum(Decimal(line.split("\t")[-1]) for line in body)
    venue = city_place("重庆")
    by_hand = [
        TravelActivity("a", TravelMode.HSR, 3, origin=city_place("成都"), destination=venue, round_trip=True),
        TravelActivity("b", TravelMode.COACH, 1, origin=city_place("贵阳"), destination=venue),
    ]
    # Without --release the command uses the platform default, as new inventories do.
    assert total == calculate_footprint(by_hand, load_release(settings.DEFAULT_FACTOR_RELEASE)).total_kg_co2e
    assert "张三" not in "\n".join(lines)


def test_activities_kind_from_xlsx_and_an_explicit_release(tmp_path):
    path = tmp_path / "activities.xlsx"
    path.write_bytes(xlsx_bytes([ACTIVITY_ZH, ["电力", "electricity.grid", 1200.5, "kWh", "举办", "计量", "主会场"]]))
    lines, _ = run(path, "--kind", "activities", "--release", "CQ-2025")
    activity = Activity("x", Category.ELECTRICITY, "electricity.grid", Decimal("1200.5"), "kWh")
    expected = calculate_footprint([activity], load_release("CQ-2025")).total_kg_co2e
    assert lines[-1] == f"total_kg_co2e: {expected}" and len(lines) == 2


def test_a_confirmed_place_settles_an_ambiguous_row(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([ZH, ["", "朝阳区", "", "飞机", "是", "1", "", "", ""]]))
    with pytest.raises(CommandError):
        run(path, "--destination", "重庆")
    lines, _ = run(path, "--destination", "重庆", "--place", "朝阳区=110105")
    assert "北京市朝阳区 → 重庆市" in lines[0]


def test_a_bad_file_lists_every_row_error_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([ZH, ["", "火星", "", "高铁", "是", "1", "", "", ""],
                                ["", "成都", "", "潜艇", "是", "1", "", "", ""]]))  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("footprint_file", str(path), "--destination", "重庆", stdout=out, stderr=err)
    assert "row 2, 出发地: unknown_place" in err.getvalue() and "row 3, 交通方式: unknown_mode" in err.getvalue()
    assert "total_kg_co2e" not in out.getvalue()


def test_exit_status_is_non_zero_for_a_bad_file_and_zero_for_a_good_one(tmp_path):
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(b"\x80\x81\xff")
    good.write_bytes(csv_bytes([ZH, ["", "成都", "重庆", "高铁", "是", "1", "", "", ""]]))
    command = [sys.executable, "manage.py", "footprint_file"]
    failed = subprocess.run([*command, str(bad)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert failed.returncode != 0 and "unknown_encoding" in failed.stderr and failed.stdout == ""
    passed = subprocess.run([*command, str(good)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert passed.returncode == 0 and passed.stdout.splitlines()[-1].startswith("total_kg_co2e: ")


def test_unreadable_file_and_unknown_release_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(tmp_path / "missing.csv")
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([ZH, ["", "成都", "重庆", "高铁", "是", "1", "", "", ""]]))
    with pytest.raises(CommandError, match="no factor release"):
        run(path, "--release", "XX-1999")
