"""Serial ranges of credit blocks — pure arithmetic, no Django, no project imports.

Design overview
---------------
* A serial number is a positive integer, unique only within one issuance (project + vintage), as in
  Puro.earth's scheme where ranges restart at 1 per issuance. One serial stands for one unit (1 tCO2e).
* A credit block owns one closed range ``[first, last]`` (``SerialRange``). Blocks are never edited:
  a partial transfer or retirement supersedes the parent and creates two children from
  ``split_range``; the taken part is always the *front* of the parent, so sub-range bounds are computed
  here, never supplied by a client.
* Invariants (property-tested): ``1 <= first <= last <= 999_999_999`` (nine display digits); a split
  conserves the unit count (``taken.quantity + rest.quantity == parent.quantity``), its children are
  adjacent and disjoint and their union is exactly the parent; repeated splits never overlap.
* ``find_overlaps`` is the audit check "no two live blocks of one issuance share a serial", done by a
  sweep over ranges sorted by ``first`` in O(n log n + k) for k reported pairs.
* Display form is ``f"{prefix}-{n:09d}"``; ``parse_serial`` is strict (exact prefix, exactly nine digits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SERIAL_DIGITS = 9
MAX_SERIAL = 10**SERIAL_DIGITS - 1


class SerialError(ValueError):
    """A serial range, quantity or serial string is invalid. ``code`` is stable for API envelopes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True, order=True)
class SerialRange:
    """Closed range ``[first, last]`` of serial numbers; raises ``SerialError("invalid_range")``."""

    first: int
    last: int

    def __post_init__(self) -> None:
        for name in ("first", "last"):
            value = getattr(self, name)
            # bool is an int subclass; True/False as serials are always a bug.
            if not isinstance(value, int) or isinstance(value, bool):
                raise SerialError("invalid_range", f"{name} must be an integer, got {value!r}")
        # The upper bound keeps every range printable in the nine-digit display form, so a block that
        # could not appear on a certificate is refused at issuance rather than at certification.
        if not 1 <= self.first <= self.last <= MAX_SERIAL:
            raise SerialError(
                "invalid_range",
                f"序列号范围无效 / invalid serial range: need 1 <= first <= last <= {MAX_SERIAL}, "
                f"got {self.first}–{self.last}",
            )

    @property
    def quantity(self) -> int:
        return self.last - self.first + 1

    def contains(self, other: SerialRange) -> bool:
        """True when every serial of ``other`` is inside this range."""
        return self.first <= other.first and other.last <= self.last

    def overlaps(self, other: SerialRange) -> bool:
        """True when the two ranges share at least one serial."""
        return self.first <= other.last and other.first <= self.last


def split_range(r: SerialRange, quantity: int) -> tuple[SerialRange, SerialRange | None]:
    """Take ``quantity`` serials from the front of ``r``; return ``(taken, rest)``.

    ``rest`` is None when everything is taken. Conserves units: ``taken.quantity + rest.quantity ==
    r.quantity``; ``taken.last + 1 == rest.first``. Raises ``SerialError("invalid_quantity")`` when
    ``quantity`` is not an integer in ``1..r.quantity``.
    """
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= r.quantity:
        raise SerialError(
            "invalid_quantity",
            f"数量无效 / invalid quantity: need 1..{r.quantity} for range {r.first}–{r.last}, got {quantity!r}",
        )
    taken = SerialRange(r.first, r.first + quantity - 1)
    if quantity == r.quantity:
        return taken, None
    return taken, SerialRange(taken.last + 1, r.last)


def format_serial(prefix: str, n: int) -> str:
    """``format_serial("CQCER-2024", 7) == "CQCER-2024-000000007"``.

    Raises ``SerialError("invalid_serial")`` when ``n`` is not an integer in ``1..999_999_999``.
    """
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_SERIAL:
        raise SerialError("invalid_serial", f"序列号超出范围 / serial out of range 1..{MAX_SERIAL}: {n!r}")
    return f"{prefix}-{n:0{SERIAL_DIGITS}d}"


_DIGITS_RE = re.compile(f"[0-9]{{{SERIAL_DIGITS}}}")


def parse_serial(prefix: str, text: str) -> int:
    """Inverse of ``format_serial``. Strict: exact prefix, a dash, exactly nine ASCII digits, value >= 1.

    Raises ``SerialError("invalid_serial")`` naming what is wrong.
    """
    head = f"{prefix}-"
    if not text.startswith(head):
        raise SerialError("invalid_serial", f"序列号前缀不符 / serial {text!r} does not start with {head!r}")
    digits = text[len(head) :]
    if not _DIGITS_RE.fullmatch(digits):
        raise SerialError(
            "invalid_serial",
            f"序列号须为{SERIAL_DIGITS}位数字 / serial {text!r} must end in exactly {SERIAL_DIGITS} digits",
        )
    n = int(digits)
    if n < 1:
        raise SerialError("invalid_serial", f"序列号须从1开始 / serial {text!r} must be >= 1")
    return n


def format_range(prefix: str, r: SerialRange) -> tuple[str, str]:
    """Display form of both ends of ``r``."""
    return format_serial(prefix, r.first), format_serial(prefix, r.last)


def find_overlaps(ranges: Sequence[SerialRange]) -> list[tuple[SerialRange, SerialRange]]:
    """All pairs of ranges sharing at least one serial, each pair once, ordered by ``(first, last)``.

    Sweep over the ranges sorted by start, keeping the "active" ranges whose end has not yet been
    passed. Each step either reports a pair or drops a range for good, so after the O(n log n) sort
    the sweep costs O(n + number of pairs). Identical ranges given twice are a
    reported pair (a double issuance), since they are distinct entries of the input.
    """
    order = sorted(range(len(ranges)), key=lambda i: (ranges[i].first, ranges[i].last))
    pairs: list[tuple[SerialRange, SerialRange]] = []
    active: list[int] = []  # indices of earlier ranges that may still overlap later ones
    for i in order:
        current = ranges[i]
        # Drop ranges ending before this one starts: sorted by first, they cannot overlap anything later.
        active = [j for j in active if ranges[j].last >= current.first]
        pairs.extend((ranges[j], current) for j in active)
        active.append(i)
    return pairs
