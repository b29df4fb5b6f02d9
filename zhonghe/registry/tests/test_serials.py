"""Serial ranges: examples and hypothesis properties (pure, no database)."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhonghe.registry.serials import (
    SerialError,
    SerialRange,
    find_overlaps,
    format_range,
    format_serial,
    parse_serial,
    split_range,
)

# ---------------------------------------------------------------- SerialRange


def test_quantity_matches_verra_example():
    # registries.md §2: Verra range 941467007–941467431 carries quantity 425.
    assert SerialRange(941467007, 941467431).quantity == 425


def test_largest_range_fits_nine_digits():
    r = SerialRange(1, 999_999_999)
    assert r.quantity == 999_999_999
    assert format_range("P", r) == ("P-000000001", "P-999999999")


def test_single_serial_range():
    r = SerialRange(5, 5)
    assert r.quantity == 1
    assert r.contains(r)
    assert r.overlaps(r)


@pytest.mark.parametrize("first,last", [(0, 5), (-1, 3), (5, 4), (0, 0), (1, 10**9), (10**9, 10**9)])
def test_invalid_range_refused(first, last):
    with pytest.raises(SerialError) as exc:
        SerialRange(first, last)
    assert exc.value.code == "invalid_range"
    assert isinstance(exc.value, ValueError)


@pytest.mark.parametrize("first,last", [(1.0, 2), ("1", 2), (True, 2), (1, None)])
def test_non_integer_range_refused(first, last):
    with pytest.raises(SerialError) as exc:
        SerialRange(first, last)
    assert exc.value.code == "invalid_range"


def test_range_is_frozen():
    r = SerialRange(1, 10)
    with pytest.raises(AttributeError):
        r.first = 2  # type: ignore[misc]


def test_contains_and_overlaps():
    outer = SerialRange(10, 20)
    assert outer.contains(SerialRange(10, 20))
    assert outer.contains(SerialRange(12, 15))
    assert not outer.contains(SerialRange(9, 15))
    assert not outer.contains(SerialRange(15, 21))
    assert outer.overlaps(SerialRange(20, 30))  # shares serial 20
    assert outer.overlaps(SerialRange(1, 10))  # shares serial 10
    assert not outer.overlaps(SerialRange(21, 30))  # adjacent, disjoint
    assert not outer.overlaps(SerialRange(1, 9))


# ---------------------------------------------------------------- split_range


def test_split_takes_the_front():
    taken, rest = split_range(SerialRange(1, 100), 30)
    assert taken == SerialRange(1, 30)
    assert rest == SerialRange(31, 100)


def test_split_everything_leaves_no_rest():
    taken, rest = split_range(SerialRange(7, 9), 3)
    assert taken == SerialRange(7, 9)
    assert rest is None


def test_split_one_from_single():
    assert split_range(SerialRange(4, 4), 1) == (SerialRange(4, 4), None)


@pytest.mark.parametrize("quantity", [0, -1, 101, 1000, 2.0, True, "3"])
def test_split_invalid_quantity_refused(quantity):
    with pytest.raises(SerialError) as exc:
        split_range(SerialRange(1, 100), quantity)
    assert exc.value.code == "invalid_quantity"


# ---------------------------------------------------------------- formatting


def test_format_serial():
    assert format_serial("CQCER-2024", 7) == "CQCER-2024-000000007"
    assert format_serial("X", 999_999_999) == "X-999999999"


@pytest.mark.parametrize("n", [0, -3, 1_000_000_000])
def test_format_serial_out_of_range(n):
    with pytest.raises(SerialError) as exc:
        format_serial("X", n)
    assert exc.value.code == "invalid_serial"


def test_format_range():
    assert format_range("P1-2023", SerialRange(1, 425)) == ("P1-2023-000000001", "P1-2023-000000425")


def test_parse_serial():
    assert parse_serial("CQCER-2024", "CQCER-2024-000000007") == 7
    assert parse_serial("A-B", "A-B-941467431") == 941467431


@pytest.mark.parametrize(
    "text",
    [
        "CQCER-2023-000000007",  # wrong prefix
        "CQCER-2024000000007",  # missing dash
        "CQCER-2024-00000007",  # 8 digits
        "CQCER-2024-0000000007",  # 10 digits
        "CQCER-2024-00000000a",  # letter
        "CQCER-2024-000000000",  # zero is not a serial
        "CQCER-2024- 00000007",  # space
        "CQCER-2024-000000007\n",  # trailing newline ($ in a regex would let this through)
        "CQCER-2024-٠٠٠٠٠٠٠٠٧",  # Arabic-Indic digits: str.isdigit() would accept them
        "",
    ],
)
def test_parse_serial_strict(text):
    with pytest.raises(SerialError) as exc:
        parse_serial("CQCER-2024", text)
    assert exc.value.code == "invalid_serial"


# ---------------------------------------------------------------- find_overlaps


def test_find_overlaps_examples():
    a, b, c, d = SerialRange(1, 10), SerialRange(11, 20), SerialRange(10, 11), SerialRange(30, 40)
    assert find_overlaps([a, b, d]) == []
    assert find_overlaps([a, b, c, d]) == [(a, c), (c, b)]
    assert find_overlaps([]) == []
    assert find_overlaps([a]) == []


def test_find_overlaps_reports_duplicates():
    a = SerialRange(1, 10)
    assert find_overlaps([a, SerialRange(1, 10)]) == [(a, a)]


def test_find_overlaps_nested():
    outer, inner1, inner2 = SerialRange(1, 100), SerialRange(5, 6), SerialRange(50, 60)
    assert find_overlaps([inner2, outer, inner1]) == [(outer, inner1), (outer, inner2)]


# ---------------------------------------------------------------- properties

MAX = 10**9 - 1


@st.composite
def ranges(draw, max_serial=MAX):
    first = draw(st.integers(1, max_serial))
    last = draw(st.integers(first, max_serial))
    return SerialRange(first, last)


@st.composite
def range_and_quantity(draw):
    r = draw(ranges())
    return r, draw(st.integers(1, r.quantity))


@given(range_and_quantity())
def test_split_conserves_units(rq):
    r, quantity = rq
    taken, rest = split_range(r, quantity)
    assert taken.quantity == quantity
    assert taken.quantity + (rest.quantity if rest else 0) == r.quantity


@given(range_and_quantity())
def test_split_children_adjacent_disjoint_and_cover_parent(rq):
    r, quantity = rq
    taken, rest = split_range(r, quantity)
    assert r.contains(taken)
    assert taken.first == r.first
    if rest is None:
        assert taken == r
    else:
        assert r.contains(rest)
        assert taken.last + 1 == rest.first  # adjacent
        assert not taken.overlaps(rest)  # disjoint
        assert (taken.first, rest.last) == (r.first, r.last)  # union is the parent


@given(ranges(max_serial=10_000), st.lists(st.integers(1, 10_000), max_size=30), st.randoms())
def test_repeated_splits_never_overlap(parent, quantities, rnd):
    """Split random live blocks repeatedly, as transfers and retirements do; the live blocks stay a
    partition of the parent: pairwise disjoint, total quantity conserved."""
    live = [parent]
    for q in quantities:
        i = rnd.randrange(len(live))
        block = live[i]
        taken, rest = split_range(block, min(q, block.quantity))
        live[i : i + 1] = [taken] + ([rest] if rest else [])
    assert sum(b.quantity for b in live) == parent.quantity
    assert find_overlaps(live) == []
    assert all(not a.overlaps(b) for a, b in itertools.combinations(live, 2))
    ordered = sorted(live)
    assert ordered[0].first == parent.first and ordered[-1].last == parent.last
    assert all(a.last + 1 == b.first for a, b in itertools.pairwise(ordered))


def _brute_force_pairs(rs):
    return {frozenset((i, j)) for i, j in itertools.combinations(range(len(rs)), 2) if rs[i].overlaps(rs[j])}


@given(st.lists(ranges(max_serial=200), max_size=40))
def test_find_overlaps_agrees_with_brute_force(rs):
    found = find_overlaps(rs)
    # Compare as multisets of pairs of ranges (the input may hold equal ranges twice).
    expected = sorted(tuple(sorted((rs[i], rs[j]))) for i, j in map(tuple, _brute_force_pairs(rs)))
    assert sorted(tuple(sorted(p)) for p in found) == expected
    assert all(a.overlaps(b) for a, b in found)


@given(st.text(alphabet="ABCQER-0123456789", max_size=12), st.integers(1, MAX))
def test_format_parse_roundtrip(prefix, n):
    assert parse_serial(prefix, format_serial(prefix, n)) == n
