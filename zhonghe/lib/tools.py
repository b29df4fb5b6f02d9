"""Locate Debian binaries that some tests need (pdftoppm, zbarimg, pdffonts, chromium, ...).

Locally a missing binary skips the test with a reason; in CI (``ZHONGHE_REQUIRE_TOOLS=1``) it fails,
so a broken image can never turn the suite green by skipping.
"""

from __future__ import annotations

import os
import shutil

REQUIRE_TOOLS_ENV = "ZHONGHE_REQUIRE_TOOLS"


def require_binary(name: str) -> str:
    """Return the absolute path of executable ``name``; skip the test, or fail it in CI, when missing."""
    path = shutil.which(name)
    if path:
        return path
    import pytest  # lazily: this module is importable outside a test run

    reason = f"binary {name!r} not found on PATH (install the Debian package providing it)"
    if os.environ.get(REQUIRE_TOOLS_ENV) == "1":
        pytest.fail(f"{reason}; {REQUIRE_TOOLS_ENV}=1 requires it", pytrace=False)
    pytest.skip(reason)
