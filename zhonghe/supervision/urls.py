"""Included by zhonghe/web/urls.py under /supervision/, so the names are "web:supervision:<name>"."""

from django.urls import path

from zhonghe.supervision import views, views_audit

app_name = "supervision"
urlpatterns = [
    path("", views.events_overview, name="events"),
    path("audit/", views_audit.audit_log, name="audit"),
]
