from django.urls import path

from ensemble.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/<slug:slug>/", views.detail, name="detail"),
    path("calls/<int:call_id>", views.call, name="call"),
]
