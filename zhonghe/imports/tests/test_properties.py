"""Properties of parsing and aggregation over generated files."""

from hypothesis import given, settings
from hypothesis import strategies as st

from zhonghe.imports import parse as parse_module
from zhonghe.imports.aggregate import aggregate_attendees
from zhonghe.imports.parse import parse_file

from .spreadsheets import ZH, csv_bytes

ORIGINS = ["成都", "Chengdu", "朝阳区", "火星", "", "CKG", "双流机场", "重庆北站", "渝中区"]
MODES = ["高铁", "飞机", "自驾", "出租车", "潜艇", ""]
CELLS = st.tuples(
    st.sampled_from(["", "张三", "李四"]), st.sampled_from(ORIGINS), st.sampled_from(["", "重庆", "CKG"]),
    st.sampled_from(MODES), st.sampled_from(["是", "否", "也许", ""]), st.sampled_from(["", "1", "2", "-1", "x"]),
    st.sampled_from(["", "12.5", "abc"]), st.sampled_from(["", "经济舱", "商务舱"]), st.sampled_from(["", "2", "0"]),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=25))
def test_every_row_is_either_typed_or_reported_and_trips_add_up(rows):
    result = parse_file(csv_bytes([ZH, *map(list, rows)]), "attendees", venue="重庆")
    typed = {row.row for row in result.rows}
    reported = {error.row for error in result.errors}
    assert typed.isdisjoint(reported)
    assert typed | reported == set(range(2, len(rows) + 2))
    lines = aggregate_attendees(result.rows)
    assert sum(line.person_trips for line in lines) == sum(row.trips for row in result.rows)


@settings(max_examples=40, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=25))
def test_validating_each_distinct_row_once_changes_nothing(rows):
    data = csv_bytes([ZH, *map(list, rows)])
    memo = parse_file(data, "attendees", venue="重庆")
    original = parse_module._Memo.__init__

    def slow(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.fast = False  # every row validated on its own

    parse_module._Memo.__init__ = slow
    try:
        alone = parse_file(data, "attendees", venue="重庆")
    finally:
        parse_module._Memo.__init__ = original
    assert memo.rows == alone.rows and memo.errors == alone.errors and memo.row_count == alone.row_count
    assert [row.line_key for row in memo.rows] == [row.line_key for row in alone.rows]
