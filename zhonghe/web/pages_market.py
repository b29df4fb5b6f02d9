"""Context of the market pages (listings, holdings with history, sales); views stay thin."""

from __future__ import annotations

from zhonghe.accounts.actors import Actor
from zhonghe.accounts.models import Role
from zhonghe.events.selectors import event_list_for_actor
from zhonghe.registry.selectors import (
    holdings_for_org,
    holdings_history_for_org,
    listings_for_seller,
    listings_on_offer,
    sales_for_seller,
)
from zhonghe.web.forms_market import ListingForm, ListingOrderForm
from zhonghe.web.pages import CLOSED


def organiser_events(actor: Actor):
    return event_list_for_actor(actor).filter(organization=actor.organization).exclude(status__in=CLOSED)


def listings_block(actor: Actor, *, bound_code: str = "", data=None) -> dict:
    """Listings on offer, each with its own order form (the one posted to is bound to `data`)."""
    can_buy = actor.has(Role.ORGANISER)
    events = list(organiser_events(actor)) if can_buy else []
    rows = listings_on_offer()
    for listing in rows:
        bound = data if str(listing.code) == bound_code else None
        listing.order_form = ListingOrderForm(bound, events=events, prefix=f"l{listing.pk}")
    return {"listings": rows, "can_buy": can_buy}


def seller_listings_page(actor: Actor, *, data=None) -> dict:
    org = actor.organization
    return {
        "my_listings": list(listings_for_seller(org)),
        "listing_form": ListingForm(data, holdings=holdings_for_org(org), auto_id="id_listing_%s"),
        "sales": sales_for_seller(org),
    }


def holdings_page(actor: Actor) -> dict:
    org = actor.organization
    return {"holdings": holdings_for_org(org), "history": holdings_history_for_org(org), "org": org}
