"""The English catalogue covers every translatable string in the code and templates (English on request).

Uses GNU gettext (xgettext via makemessages, msgattrib), which CI installs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from zhonghe.lib.tools import require_binary

PACKAGE = Path(settings.BASE_DIR) / "zhonghe"
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _msgids_needing_work(po: Path) -> list[str]:
    """msgid lines of untranslated or fuzzy entries (the header, msgid "", left out)."""
    msgattrib = require_binary("msgattrib")
    found = []
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run([msgattrib, flag, "--no-wrap", str(po)], check=True, capture_output=True, text=True).stdout
        found += [line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    return found


def test_the_committed_catalogue_has_no_empty_or_fuzzy_translation():
    assert CATALOGUE.read_text(encoding="utf-8").count("\nmsgid ") > 100
    assert _msgids_needing_work(CATALOGUE) == []


def test_every_string_in_the_code_is_translated(tmp_path, monkeypatch):
    """Extract afresh from a copy of the sources and merge into a copy of the catalogue: nothing is new."""
    require_binary("xgettext")
    source = tmp_path / "src"
    shutil.copytree(PACKAGE, source / "zhonghe", ignore=shutil.ignore_patterns("locale", "__pycache__", "*.mo"))
    target = tmp_path / "locale"
    (target / "en" / "LC_MESSAGES").mkdir(parents=True)
    merged = target / "en" / "LC_MESSAGES" / "django.po"
    shutil.copy(CATALOGUE, merged)
    monkeypatch.chdir(source)  # makemessages walks the working directory
    with override_settings(LOCALE_PATHS=[str(target)]):
        call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    needing_work = _msgids_needing_work(merged)
    assert needing_work == [], "run `python manage.py makemessages -l en --no-obsolete` and translate them"
