"""Included by zhonghe/web/urls.py under /notifications/: names are "web:notifications:<name>"."""

from django.urls import path

from zhonghe.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<uuid:code>/read/", views.notification_read, name="read"),
]
