"""Included by zhonghe/web/urls.py under /supervision/, so the names are "web:supervision:<name>"."""

from django.urls import path

from zhonghe.supervision import views, views_audit, views_reports

app_name = "supervision"
urlpatterns = [
    path("", views.events_overview, name="events"),
    path("emissions/", views.emissions, name="emissions"),
    path("offsets/", views.offsets, name="offsets"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("charts/<slug:key>.xlsx", views.table_xlsx, name="table_xlsx"),
    path("reports/<int:year>.xlsx", views_reports.annual_xlsx, name="annual_xlsx"),
    path("reports/<int:year>.pdf", views_reports.annual_pdf, name="annual_pdf"),
    path("events/<uuid:code>/cancellations.pdf", views_reports.cancellations_pdf, name="cancellations_pdf"),
    path("events/<uuid:code>/cancellations.xlsx", views_reports.cancellations_xlsx, name="cancellations_xlsx"),
    path("audit/", views_audit.audit_log, name="audit"),
]
