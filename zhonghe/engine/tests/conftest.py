"""Engine tests need no Django. The project's root conftest has an autouse fixture that asks for
pytest-django's ``settings``; this stand-in satisfies it for engine tests only, so that they also run
with ``-p no:django`` (and never touch Django settings when the plugin is active)."""

from types import SimpleNamespace

import pytest


@pytest.fixture
def settings() -> SimpleNamespace:
    return SimpleNamespace()
