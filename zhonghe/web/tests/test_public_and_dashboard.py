"""Home (certificate list, verify box), dashboards by role, market orders."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from zhonghe.events.services import event_submit
from zhonghe.registry.models import Order
from zhonghe.web.tests.conftest import login, make_event


def test_verify_box_redirects_to_the_public_verify_page(db):
    response = Client().get(reverse("web:certificate_lookup"), {"number": " zh-2026-000001 "})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:verify", args=["ZH-2026-000001"])


def test_verify_box_without_number_goes_home(db):
    response = Client().get(reverse("web:certificate_lookup"))
    assert response.status_code == 302 and response["Location"] == reverse("web:home")


def test_organiser_dashboard_shows_status_obligation_deadline_and_days(actors):
    event = make_event(actors.organiser, days_ago=40)
    event_submit(actor=actors.organiser, code=event.code)
    event.refresh_from_db()
    page = login("organiser").get(reverse("web:dashboard")).content.decode()
    assert event.name in page and "已申请" in page
    assert 'data-obliged="yes"' in page
    assert event.deadline.isoformat() in page
    assert "逾期" in page


def test_organiser_dashboard_lists_only_own_events(actors, outsider_event):
    make_event(actors.organiser, name="我方的活动")
    page = login("organiser").get(reverse("web:dashboard")).content.decode()
    assert "我方的活动" in page and outsider_event.name not in page


def test_seller_dashboard_shows_projects_holdings_and_pending_orders(actors, projects):
    from zhonghe.registry.services import order_create

    order_create(actor=actors.organiser, project_code="CQCER-2025-0001", quantity_t=7)
    page = login("seller").get(reverse("web:dashboard")).content.decode()
    assert "CQCER-2025-0001" in page and "<strong>500 t</strong>" in page
    assert 'data-testid="order-confirm"' in page and "重庆市测试局" in page


def test_seller_confirms_from_dashboard_and_returns_there(actors, projects):
    from zhonghe.registry.services import order_create

    order = order_create(actor=actors.organiser, project_code="CQCER-2025-0001", quantity_t=7)
    response = login("seller").post(
        reverse("web:order_decide", kwargs={"order_code": order.code, "decision": "confirm"}),
        {"next": "dashboard", "confirm": "on"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:dashboard")
    order.refresh_from_db()
    assert order.status == "confirmed"


def test_market_order_for_an_event(actors, projects, event):
    response = login("organiser").post(
        reverse("web:market"),
        {"project_code": "CCER-2024-0002", "quantity_t": "12", "event_code": str(event.code)},
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:orders")
    order = Order.objects.get()
    assert order.event == event and order.quantity_t == 12 and order.status == "pending"


def test_market_order_cannot_name_another_orgs_event(actors, projects, outsider_event):
    response = login("organiser").post(
        reverse("web:market"),
        {"project_code": "CCER-2024-0002", "quantity_t": "12", "event_code": str(outsider_event.code)},
    )
    assert response.status_code == 422
    assert not Order.objects.exists()


def test_orders_page_shows_both_sides(actors, projects):
    from zhonghe.registry.services import order_create

    order_create(actor=actors.organiser, project_code="CQCER-2025-0001", quantity_t=3)
    assert "CQCER-2025-0001" in login("organiser").get(reverse("web:orders")).content.decode()
    seller_page = login("seller").get(reverse("web:orders")).content.decode()
    assert "CQCER-2025-0001" in seller_page and 'data-testid="order-confirm"' in seller_page
    assert 'data-testid="order-confirm"' not in login("organiser").get(reverse("web:orders")).content.decode()
