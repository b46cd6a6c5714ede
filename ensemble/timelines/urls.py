from django.urls import path

from ensemble.timelines import views

app_name = "timelines"

urlpatterns = [
    path("timelines/renders/<id:render_id>/file", views.render_file, name="render_file"),
]
