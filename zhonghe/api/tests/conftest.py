from __future__ import annotations

import pytest

from zhonghe.api.tests.support import Api, make_key


@pytest.fixture
def keys(actors):
    """Read+write keys for every named actor, plus read-only and write-only keys of the organiser."""
    from types import SimpleNamespace

    names = ["organiser", "seller", "bureau", "verifier", "outsider", "platform"]
    made = {name: make_key(actors, name) for name in names}
    made["organiser_read"] = make_key(actors, "organiser", ("read",))
    made["organiser_write"] = make_key(actors, "organiser", ("write",))
    made["seller_read"] = make_key(actors, "seller", ("read",))
    return SimpleNamespace(**made)


@pytest.fixture
def api_for(client, keys):
    """`api_for("organiser")` → an Api client sending that key (None: no key at all)."""

    def make(who: str | None, header: str = "bearer") -> Api:
        return Api(client, getattr(keys, who) if who else None, header=header)

    return make
