"""统一社会信用代码 (Unified Social Credit Code, USCC) validation per GB 32100-2015. Pure Python.

Layout of the 18 characters (1-based positions):

==========  ===============================================================================
1           登记管理部门代码 registration authority: 1–9, A–G, N, Y (1 机构编制, 5 民政, 9 工商,
            Y 其他, and the codes added since 2016)
2           机构类别代码 organisation type: 1–9 (e.g. 工商: 1 企业, 2 个体工商户, 3 农民专业合作社)
3–8         登记管理机关行政区划码 administrative division code (GB/T 2260): six digits
9–17        主体标识码 = 组织机构代码 (GB 11714): eight body characters + its own check character
18          check character over positions 1–17
==========  ===============================================================================

Check character (position 18): the alphabet is ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (31 symbols, no
I, O, Z, S, V) with values 0–30; weights ``w_i = 3**i mod 31``; check value ``31 - (Σ v_i·w_i mod 31)``
with 31 → 0. Because 31 is prime and no weight is 0 mod 31, any single substitution in positions 1–17
changes the check; because the weights are distinct, so does any transposition of two different
characters (both verified exhaustively in the tests).

Organisation-code check (position 17, GB 11714-1997): character values 0–9 for digits and A=10 … Z=35,
weights ``[3, 7, 9, 10, 5, 8, 4, 2]``, check ``11 - (Σ mod 11)`` with 10 → "X" and 11 → "0".

Known real-world exception: some codes issued in Xiamen before 2016 do not satisfy the mod-31 check
(e.g. ``91350203M0001QKT19``, hutool issue #4119). They are refused here; ``InvalidUSCC.reason``
lets a caller route such a refusal to manual review instead of a hard stop.
"""

from __future__ import annotations

import unicodedata

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
REGISTRATION_AUTHORITIES = frozenset("123456789ABCDEFGNY")
ORGANISATION_TYPES = frozenset("123456789")
EXCLUDED_LETTERS = frozenset("IOZSV")
USCC_LENGTH = 18

_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}


class InvalidUSCC(ValueError):
    """The text is not a valid USCC.

    ``code`` is the stable API error code; ``reason`` names the failed rule (not_text, length,
    character, authority, type, division, org_check, check); ``position`` is the 1-based position
    at fault, if any.
    """

    code = "invalid_uscc"

    def __init__(self, message: str, *, reason: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.position = position


def normalise_uscc(text: str) -> str:
    """NFKC (full-width → ASCII), drop all whitespace, uppercase. Does not validate."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def _org_value(ch: str) -> int:
    # GB 11714 values: digits as themselves, letters A=10 … Z=35 (I, O, … never occur in a USCC).
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body."""
    total = sum(_org_value(ch) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _check_characters(text: str, first_position: int = 1) -> None:
    for offset, ch in enumerate(text):
        if ch in _VALUE:
            continue
        position = first_position + offset
        if ch in EXCLUDED_LETTERS:
            raise InvalidUSCC(
                f"第{position}位字符“{ch}”无效：统一社会信用代码不使用字母 I、O、Z、S、V / "
                f"invalid character {ch!r} at position {position}: a USCC never uses I, O, Z, S or V",
                reason="character",
                position=position,
            )
        raise InvalidUSCC(
            f"第{position}位字符“{ch}”无效：只允许数字和大写字母 / "
            f"invalid character {ch!r} at position {position}: only digits and capital letters are allowed",
            reason="character",
            position=position,
        )


def uscc_check_char(first17: str) -> str:
    """Check character (position 18) for the first 17 characters; raises ``InvalidUSCC``."""
    if len(first17) != USCC_LENGTH - 1:
        raise InvalidUSCC(
            f"需要前17位，实际为{len(first17)}位 / need the first 17 characters, got {len(first17)}",
            reason="length",
        )
    _check_characters(first17)
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _check_structure(code: str) -> None:
    if code[0] not in REGISTRATION_AUTHORITIES:
        raise InvalidUSCC(
            f"第1位登记管理部门代码“{code[0]}”无效 / invalid registration authority code {code[0]!r} "
            "at position 1 (allowed: 1–9, A–G, N, Y)",
            reason="authority",
            position=1,
        )
    if code[1] not in ORGANISATION_TYPES:
        raise InvalidUSCC(
            f"第2位机构类别代码“{code[1]}”无效 / invalid organisation type code {code[1]!r} "
            "at position 2 (allowed: 1–9)",
            reason="type",
            position=2,
        )
    for position in range(3, 9):
        ch = code[position - 1]
        if not ch.isascii() or not ch.isdigit():
            raise InvalidUSCC(
                f"第3–8位行政区划码须为数字，第{position}位为“{ch}” / the administrative division code "
                f"(positions 3–8) must be digits, got {ch!r} at position {position}",
                reason="division",
                position=position,
            )


def validate_uscc(code: str) -> str:
    """Return the normalised code (NFKC, no whitespace, uppercase) or raise ``InvalidUSCC``.

    Checks, in order: length 18; alphabet; registration authority; organisation type; six-digit
    division code; GB 11714 organisation-code check (position 17); GB 32100 check (position 18).
    """
    if not isinstance(code, str):
        raise InvalidUSCC(f"统一社会信用代码须为文本 / USCC must be text, got {type(code).__name__}", reason="not_text")
    normalised = normalise_uscc(code)
    if len(normalised) != USCC_LENGTH:
        raise InvalidUSCC(
            f"统一社会信用代码应为18位，实际为{len(normalised)}位 / a USCC has 18 characters, got {len(normalised)}",
            reason="length",
        )
    _check_characters(normalised)
    _check_structure(normalised)
    expected_org = org_code_check_char(normalised[8:16])
    if normalised[16] != expected_org:
        raise InvalidUSCC(
            f"第17位组织机构代码校验码错误：应为“{expected_org}”，实际为“{normalised[16]}” / "
            f"wrong organisation-code check character at position 17: expected {expected_org!r}, "
            f"got {normalised[16]!r}",
            reason="org_check",
            position=17,
        )
    expected = uscc_check_char(normalised[:17])
    if normalised[17] != expected:
        raise InvalidUSCC(
            f"第18位校验码错误：应为“{expected}”，实际为“{normalised[17]}” / "
            f"wrong check character at position 18: expected {expected!r}, got {normalised[17]!r}",
            reason="check",
            position=18,
        )
    return normalised


def make_uscc(prefix: str) -> str:
    """Complete 16 characters (8 leading + 8 organisation-code body) into a valid 18-character USCC.

    For test and demo data. Appends the GB 11714 check character and then the GB 32100 one; raises
    ``InvalidUSCC`` when the prefix is not 16 valid characters or breaks a structural rule.
    """
    prefix = normalise_uscc(prefix)
    if len(prefix) != 16:
        raise InvalidUSCC(
            f"需要16位前缀，实际为{len(prefix)}位 / need a 16-character prefix, got {len(prefix)}",
            reason="length",
        )
    _check_characters(prefix)
    first17 = prefix + org_code_check_char(prefix[8:16])
    return validate_uscc(first17 + uscc_check_char(first17))
