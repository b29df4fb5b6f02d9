from django.contrib.auth import views as auth_views
from django.urls import include, path

from zhonghe.supervision import views as supervision_views
from zhonghe.web import (
    views_activities,
    views_dashboard,
    views_evaluations,
    views_events,
    views_imports,
    views_market,
    views_offsets,
    views_plan,
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
    path("events/obligation-preview/", views_events.obligation_preview_view, name="obligation_preview"),
    path(EVENT, views_events.event_detail, name="event_detail"),
    path(EVENT + "actions/<slug:action>/", views_events.event_action, name="event_action"),
    path(EVENT + "edit/", views_events.event_edit, name="event_edit"),
    path(EVENT + "plan/", views_events.plan_edit, name="plan_save"),
    path(EVENT + "certificate/revoke/", views_events.event_certificate_revoke, name="certificate_revoke"),
    path(EVENT + "certificate/correction/", views_events.event_certificate_correction, name="certificate_correction"),
    path(EVENT + "plan/estimate/", views_events.plan_estimate_view, name="plan_estimate"),
    path(EVENT + "plan/tools/", views_plan.plan_tools, name="plan_tools"),
    path(EVENT + "plan/measures/", views_plan.plan_measure_adopt, name="plan_measure_adopt"),
    path(
        EVENT + "plan/measures/<uuid:measure_code>/delete/", views_plan.plan_measure_remove, name="plan_measure_remove"
    ),
    path(EVENT + "plan/copy-estimate/", views_plan.plan_copy_estimate, name="plan_copy_estimate"),
    path(EVENT + "plan/compare/", views_plan.plan_compare, name="plan_compare"),
    path("plans/<uuid:code>/", views_plan.plan_public, name="plan_public"),
    path("plans/<uuid:code>/plan.pdf", views_plan.plan_public_pdf, name="plan_public_pdf"),
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
    path(EVENT + "external/", views_offsets.event_external, name="event_external"),
    path("external-cancellations/", views_offsets.external_review, name="external_review"),
    path(
        "external-cancellations/<uuid:record_code>/<slug:decision>/",
        views_offsets.external_decide,
        name="external_decide",
    ),
    path("market/", views_market.market, name="market"),
    path("market/listings/<uuid:listing_code>/order/", views_market.listing_order, name="listing_order"),
    path("listings/", views_market.listings, name="listings"),
    path("listings/<uuid:listing_code>/<slug:action>/", views_market.listing_action, name="listing_action"),
    path("holdings/", views_market.holdings, name="holdings"),
    path("orders/", views_market.orders, name="orders"),
    path("orders/<uuid:order_code>/<slug:decision>/", views_market.order_decide, name="order_decide"),
    path("supervision/", include("zhonghe.supervision.urls")),
    path(EVENT + "imports/new/", views_imports.import_new, name="import_new"),
    path(EVENT + "imports/<uuid:import_code>/", views_imports.import_detail, name="import_detail"),
    path(EVENT + "imports/<uuid:import_code>/progress/", views_imports.import_progress, name="import_progress"),
    path(EVENT + "imports/<uuid:import_code>/places/", views_imports.import_places, name="import_places"),
    path(EVENT + "imports/<uuid:import_code>/commit/", views_imports.import_commit, name="import_commit"),
    path(EVENT + "imports/<uuid:import_code>/errors/", views_imports.import_annotated, name="import_annotated"),
    path("imports/templates/<slug:kind>.<slug:file_format>", views_imports.import_template, name="import_template"),
    path("figures/", supervision_views.public_figures, name="public_figures"),
    path("notifications/", include("zhonghe.notifications.urls")),
]
