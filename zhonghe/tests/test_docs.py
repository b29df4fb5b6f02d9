"""The repository documents itself: every link in README.md and docs/ resolves to a file inside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def local_targets(text: str) -> list[str]:
    """Link targets of a markdown text that are not web addresses or in-page anchors."""
    targets = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        targets.append(target.split("#", 1)[0])
    return targets


def test_local_targets_reads_markdown_links():
    text = "see [a](docs/a.md), [b](https://example.org/x) and [c](#top), [d](../shared/x.md#s)"
    assert local_targets(text) == ["docs/a.md", "../shared/x.md"]


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_links_resolve_inside_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    for target in local_targets(text):
        resolved = (doc.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
        assert resolved.exists(), f"{doc.name} links to a missing file: {target}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_no_doc_points_at_the_shared_reference_folder(doc):
    # shared/ is beside the developers' checkout, not in a newcomer's clone.
    assert "shared/" not in doc.read_text(encoding="utf-8"), f"{doc.name} mentions shared/"


def test_readme_links_the_architecture_document():
    assert "docs/architecture.md" in local_targets((ROOT / "README.md").read_text(encoding="utf-8"))
