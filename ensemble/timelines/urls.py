from django.urls import path

from ensemble.timelines import render_views, views

app_name = "timelines"

urlpatterns = [
    path("projects/<slug:slug>/timelines/", views.timelines, name="list"),
    path("timelines/<id:timeline_id>/", views.edit, name="edit"),
    path("timelines/<id:timeline_id>/renders", render_views.renders, name="renders"),
    path("timelines/<id:timeline_id>/render", render_views.start_render, name="render"),
    path("timelines/<id:timeline_id>/revisions", views.history, name="history"),
    path(
        "timelines/<id:timeline_id>/revisions/<id:number>/restore",
        views.restore,
        name="restore",
    ),
    path("timelines/renders/<id:render_id>/file", render_views.render_file, name="render_file"),
]
