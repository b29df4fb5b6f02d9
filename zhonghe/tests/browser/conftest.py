"""The browser tests' fixtures (zhonghe/tests/browser/chromium.py)."""

from zhonghe.tests.browser.chromium import CHROMIUM_ARGS, chromium_context, page, sign_in  # noqa: F401
