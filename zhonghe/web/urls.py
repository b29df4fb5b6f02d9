from django.contrib.auth import views as auth_views
from django.urls import include, path

from zhonghe.web import (
    views_activities,
    views_dashboard,
    views_evaluations,
    views_events,
    views_market,
    views_offsets,
    views_public,
    views_reports,
)

app_name = "web"

EVENT = "events/<uuid:code>/"

urlpatterns = [
    path("", views_public.home, name="home"),
    path("certificates/lookup/", views_public.certificate_lookup, name="certificate_lookup"),
    path("cases/", views_public.gallery, name="gallery"),
    path("cases/<uuid:code>/feature/", views_public.gallery_feature, name="gallery_feature"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("events/new/", views_events.event_new, name="event_new"),
    path(EVENT, views_events.event_detail, name="event_detail"),
    path(EVENT + "actions/<slug:action>/", views_events.event_action, name="event_action"),
    path(EVENT + "edit/", views_events.event_edit, name="event_edit"),
    path(EVENT + "plan/", views_events.plan_edit, name="plan_save"),
    path(EVENT + "certificate/revoke/", views_events.event_certificate_revoke, name="certificate_revoke"),
    path(EVENT + "certificate/correction/", views_events.event_certificate_correction, name="certificate_correction"),
    path(EVENT + "plan/estimate/", views_events.plan_estimate_view, name="plan_estimate"),
    path(EVENT + "activities/<slug:stage>/<slug:kind>/", views_activities.activity_new, name="activity_add"),
    path(
        EVENT + "activities/<slug:stage>/<uuid:activity_code>/delete/",
        views_activities.activity_remove,
        name="activity_delete",
    ),
    path(
        EVENT + "inventories/<int:version>/report.pdf", views_reports.inventory_report_pdf, name="inventory_report_pdf"
    ),
    path(
        EVENT + "inventories/<int:version>/report.xlsx",
        views_reports.inventory_report_xlsx,
        name="inventory_report_xlsx",
    ),
    path(EVENT + "orders/", views_offsets.event_order, name="event_order"),
    path(EVENT + "evaluation/", views_evaluations.evaluation_request_view, name="evaluation_request"),
    path("evaluations/<uuid:code>/", views_evaluations.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<uuid:code>/<slug:action>/", views_evaluations.evaluation_action, name="evaluation_action"),
    path("findings/<uuid:code>/<slug:action>/", views_evaluations.finding_action, name="finding_action"),
    path(EVENT + "retire/", views_offsets.event_retire, name="event_retire"),
    path(EVENT + "basket/", views_offsets.event_basket, name="event_basket"),
    path("market/", views_market.market, name="market"),
    path("market/listings/<uuid:listing_code>/order/", views_market.listing_order, name="listing_order"),
    path("listings/", views_market.listings, name="listings"),
    path("listings/<uuid:listing_code>/<slug:action>/", views_market.listing_action, name="listing_action"),
    path("holdings/", views_market.holdings, name="holdings"),
    path("orders/", views_market.orders, name="orders"),
    path("orders/<uuid:order_code>/<slug:decision>/", views_market.order_decide, name="order_decide"),
    path("supervision/", include("zhonghe.supervision.urls")),
]
