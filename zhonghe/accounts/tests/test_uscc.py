"""USCC (GB 32100-2015) validation: real codes, every refusal path, and the detection properties."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhonghe.accounts.uscc import (
    ORGANISATION_TYPES,
    REGISTRATION_AUTHORITIES,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    InvalidUSCC,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_uscc,
)

# Codes as published; each passes BOTH the GB 11714 (position 17) and GB 32100 (position 18) checks.
# Not checked against the official register (国家企业信用信息公示系统 / cods.org.cn) from here.
KNOWN_VALID = [
    # 华为技术有限公司 — zh.wikipedia.org 「華為」 infobox, 機構代碼.
    "914403001922038216",
    # 腾讯科技（深圳）有限公司 — cited in many public repositories (e.g. e-sign SDK tests, Tencent
    # Cloud e-sign CLI example). Note: not 深圳市腾讯计算机系统有限公司, which is 91440300708461136T.
    "9144030071526726XG",
    # 深圳市腾讯计算机系统有限公司 — public repositories (test vectors labelled with this name).
    "91440300708461136T",
    # 阿里巴巴（中国）网络技术有限公司 — public repositories, including a scraped registration page
    # showing 注册号 330100400015575 next to it. (Not 阿里巴巴（中国）有限公司.)
    "91330100716105852F",
    # The example most often cited in validator documentation and tests (e.g. hutool's CreditCodeUtil
    # tests); a Fuzhou 工商 code whose organisation code starts with "M".
    "91350100M000100Y43",
    # 个体工商户 (type 2), Shanxi: cited in jaywcjlove/regexp-example issue #23 as findable on
    # cods.org.cn; a new-style organisation code starting "MA".
    "92141127MA0KD1Y64A",
]


# ---------------------------------------------------------------- valid codes


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_valid_codes(code):
    assert validate_uscc(code) == code
    assert uscc_check_char(code[:17]) == code[17]
    assert org_code_check_char(code[8:16]) == code[16]


def test_lowercase_and_spaces_normalised():
    assert validate_uscc("  9144030071526726xg ") == "9144030071526726XG"
    assert validate_uscc("9144 0300 7152 6726 XG") == "9144030071526726XG"
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"


def test_full_width_input_normalised():
    # Chinese IMEs produce full-width characters and the ideographic space U+3000.
    assert validate_uscc("９１４４０３００１９２２０３８２１６\u3000") == "914403001922038216"


# ---------------------------------------------------------------- refusals


def _refusal(text):
    with pytest.raises(InvalidUSCC) as exc:
        validate_uscc(text)
    assert exc.value.code == "invalid_uscc"
    assert isinstance(exc.value, ValueError)
    return exc.value


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_every_wrong_check_char_refused(code):
    for ch in USCC_ALPHABET:
        if ch == code[17]:
            continue
        err = _refusal(code[:17] + ch)
        assert err.reason == "check"
        assert err.position == 18
        assert f"expected {code[17]!r}, got {ch!r}" in err.message
        assert f"应为“{code[17]}”" in err.message


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_every_wrong_org_check_char_refused(code):
    for ch in USCC_ALPHABET:
        if ch == code[16]:
            continue
        err = _refusal(code[:16] + ch + code[17])
        assert err.reason == "org_check"
        assert err.position == 17


@pytest.mark.parametrize("text,length", [("", 0), ("91440300192203821", 17), ("9144030019220382166", 19)])
def test_wrong_length(text, length):
    err = _refusal(text)
    assert err.reason == "length"
    assert f"got {length}" in err.message
    assert f"实际为{length}位" in err.message


@pytest.mark.parametrize("letter", "IOZSV")
def test_excluded_letters_refused_with_position(letter):
    code = "914403001922038216"
    err = _refusal(code[:9] + letter + code[10:])
    assert err.reason == "character"
    assert err.position == 10
    assert "at position 10" in err.message
    assert "I, O, Z, S or V" in err.message


def test_lowercase_excluded_letter_refused():
    err = _refusal("91350100o000100Y43")
    assert err.reason == "character" and err.position == 9


@pytest.mark.parametrize("bad", ["-", "#", "中", "é"])
def test_other_characters_refused(bad):
    err = _refusal("91440300192203821" + bad)
    assert err.reason == "character"
    assert err.position == 18


def test_non_digit_division_code_refused():
    # Position 5 becomes "A": alphabet-valid, but the division code must be digits.
    err = _refusal("9144A3001922038216")
    assert err.reason == "division"
    assert err.position == 5
    assert "positions 3–8" in err.message


def test_invalid_registration_authority_refused():
    err = _refusal("H14403001922038216")
    assert err.reason == "authority" and err.position == 1


def test_invalid_organisation_type_refused():
    err = _refusal("9A4403001922038216")
    assert err.reason == "type" and err.position == 2


def test_non_text_refused():
    with pytest.raises(InvalidUSCC) as exc:
        validate_uscc(914403001922038216)  # type: ignore[arg-type]
    assert exc.value.reason == "not_text"


def test_mod31_coincidence_caught_by_org_check():
    # "123456789012345678" happens to satisfy the mod-31 check; only the GB 11714 check refuses it.
    assert uscc_check_char("12345678901234567") == "8"
    err = _refusal("123456789012345678")
    assert err.reason == "org_check"


def test_known_xiamen_exception_is_refused():
    # A real pre-2016 Xiamen code that violates the mod-31 rule (hutool issue #4119, with links to
    # qixin.com / aiqicha). Documented limitation: strict validation refuses it; err.reason lets a
    # caller send it to manual review. If this changes, update the module docstring.
    err = _refusal("91350203M0001QKT19")
    assert err.reason == "check"


# ---------------------------------------------------------------- helpers


def test_make_uscc_examples():
    assert make_uscc("9144030019220382") == "914403001922038216"
    assert make_uscc("9133010071610585") == "91330100716105852F"
    assert make_uscc("9150010312345678").startswith("91500103")


@pytest.mark.parametrize("prefix", ["914403001922038", "91440300192203821X", "9I44030019220382"])
def test_make_uscc_refuses_bad_prefix(prefix):
    with pytest.raises(InvalidUSCC):
        make_uscc(prefix)


def test_uscc_check_char_refuses_wrong_length():
    with pytest.raises(InvalidUSCC) as exc:
        uscc_check_char("9144")
    assert exc.value.reason == "length"


# ---------------------------------------------------------------- detection properties


def test_mod31_detects_every_single_substitution_exhaustively():
    """A substitution at position i changes the sum by w_i·d (d = value difference, 0 < |d| < 31).
    Detection therefore depends only on (i, d), not on the rest of the code, so checking every
    position × every ordered pair of symbols on one code proves it for all codes."""
    base = "914403001922038216"[:17]
    for i, (old, new) in itertools.product(range(17), itertools.permutations(USCC_ALPHABET, 2)):
        a = base[:i] + old + base[i + 1 :]
        b = base[:i] + new + base[i + 1 :]
        assert uscc_check_char(a) != uscc_check_char(b), (i, old, new)


def test_mod31_detects_every_transposition_exhaustively():
    """Swapping different symbols at positions i < j changes the sum by (w_i − w_j)·d; the weights are
    3^k mod 31 and pairwise distinct, so this is never 0 mod 31."""
    assert len(set(USCC_WEIGHTS)) == 17
    assert list(USCC_WEIGHTS) == [pow(3, k, 31) for k in range(17)]
    base = list("914403001922038216"[:17])
    for i, j in itertools.combinations(range(17), 2):
        for x, y in itertools.permutations(USCC_ALPHABET[:31:3], 2):  # 11 symbols, spread over values
            a = base.copy()
            a[i], a[j] = x, y
            b = base.copy()
            b[i], b[j] = y, x
            assert uscc_check_char("".join(a)) != uscc_check_char("".join(b)), (i, j, x, y)


symbol = st.sampled_from(USCC_ALPHABET)
prefixes = st.builds(
    lambda a, t, div, org: a + t + div + org,
    st.sampled_from(sorted(REGISTRATION_AUTHORITIES)),
    st.sampled_from(sorted(ORGANISATION_TYPES)),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8),
)


@given(prefixes)
def test_make_uscc_always_validates(prefix):
    code = make_uscc(prefix)
    assert len(code) == 18 and code.startswith(prefix)
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code


@given(prefixes, st.integers(0, 16), symbol)
def test_any_single_substitution_in_first_17_is_refused(prefix, i, new):
    code = make_uscc(prefix)
    if new == code[i]:
        new = USCC_ALPHABET[(USCC_ALPHABET.index(new) + 1) % 31]
    mutated = code[:i] + new + code[i + 1 :]
    # The mod-31 check alone catches it ...
    assert uscc_check_char(mutated[:17]) != code[17]
    # ... and the validator refuses it (possibly earlier, for a structural reason).
    with pytest.raises(InvalidUSCC):
        validate_uscc(mutated)
