from django.urls import path

from ensemble.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/new", views.new_project, name="new"),
    path("projects/<slug:slug>/", views.detail, name="detail"),
    path("projects/<slug:slug>/status", views.project_status, name="status"),
    path("projects/<slug:slug>/leaders", views.add_leader, name="add_leader"),
    path("projects/<slug:slug>/calls/new", views.new_call, name="new_call"),
    path("projects/<slug:slug>/updates", views.post_update, name="post_update"),
    path("projects/<slug:slug>/stages/<int:position>", views.stage_state, name="stage_state"),
    path("projects/<slug:slug>/resources", views.add_resource, name="add_resource"),
    path("projects/<slug:slug>/resources.zip", views.resources_zip, name="resources_zip"),
    path("projects/<slug:slug>/productions", views.make_production, name="make_production"),
    path(
        "projects/<slug:slug>/productions/<int:production_id>/release",
        views.release,
        name="release",
    ),
    path("calls/<int:call_id>", views.call, name="call"),
    path("calls/<int:call_id>/enter", views.enter, name="enter"),
    path("calls/<int:call_id>/review", views.review, name="review"),
    path("calls/<int:call_id>/decide", views.decide, name="decide"),
    path("entries/<int:entry_id>/withdraw", views.withdraw, name="withdraw"),
    path("entries/<int:entry_id>/score", views.score, name="score"),
]
