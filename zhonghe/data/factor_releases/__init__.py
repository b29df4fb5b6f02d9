"""Shipped factor releases: one JSON file per release, named ``<code>.json``, with citations.

No Django here: the files are read with the standard library and handed to
``zhonghe.engine.parse_release``, which validates every field. A release is immutable once shipped
(a correction is a new release with a new code), so each one is parsed once per process.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from zhonghe.engine.errors import InvalidRelease, UnknownRelease
from zhonghe.engine.factors import FactorRelease, parse_release

RELEASES_DIR = Path(__file__).resolve().parent
DEFAULT_RELEASE_CODE = "CQ-2025.2"

# Codes become file names: refuse anything that could reach outside RELEASES_DIR.
_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def available_release_codes() -> list[str]:
    """Codes of every shipped release, sorted."""
    return sorted(path.stem for path in RELEASES_DIR.glob("*.json"))


@cache
def load_release(code: str) -> FactorRelease:
    """Read and validate the shipped release ``code``.

    Raises ``UnknownRelease`` (an ``UnknownFactor``, code "unknown_release") naming the code and the
    available ones when no such file exists, and ``InvalidRelease`` when the file is not valid JSON,
    fails validation or declares a different code than its file name.
    """
    path = RELEASES_DIR / f"{code}.json"
    if not _CODE_PATTERN.match(code) or not path.is_file():
        available = ", ".join(available_release_codes()) or "none"
        raise UnknownRelease(f"no factor release {code!r}; available: {available}")
    try:
        # parse_float=Decimal: a number written in the file never passes through a binary float.
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise InvalidRelease(f"{path.name}: not valid JSON ({exc})") from None
    release = parse_release(data)
    if release.code != code:
        raise InvalidRelease(f"{path.name}: declares code {release.code!r}, expected {code!r}")
    return release


@cache
def _source_texts() -> dict[str, dict[str, str]]:
    """{release source string: {"zh", "en"}} from every file in source_texts/: display texts for releases whose
    own source strings mix the languages (CQ-2025, whose file and hash must never change)."""
    texts: dict[str, dict[str, str]] = {}
    for path in sorted((RELEASES_DIR / "source_texts").glob("*.json")):
        texts.update({k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if not k.startswith("_")})
    return texts


def source_display(source: str, language: str) -> str:
    """The text to show for a factor's `source` in `language` ("zh" or "en"); the source itself when no display
    text is known for it."""
    return _source_texts().get(source, {}).get(language, source)
