from django.urls import path

from ensemble.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.mark_read, name="mark_read"),
    path("settings/notifications/", views.preferences, name="preferences"),
]
