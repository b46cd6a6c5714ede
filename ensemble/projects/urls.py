from django.urls import path

from ensemble.projects.views import calls, projects, review

app_name = "projects"

urlpatterns = [
    path("projects/new", projects.new_project, name="new"),
    path("projects/<slug:slug>/", projects.detail, name="detail"),
    path("projects/<slug:slug>/status", projects.project_status, name="status"),
    path("projects/<slug:slug>/leaders", projects.add_leader, name="add_leader"),
    path("projects/<slug:slug>/calls/new", calls.new_call, name="new_call"),
    path("projects/<slug:slug>/updates", projects.post_update, name="post_update"),
    path("projects/<slug:slug>/stages/<int:position>", projects.stage_state, name="stage_state"),
    path("projects/<slug:slug>/resources", projects.add_resource, name="add_resource"),
    path("projects/<slug:slug>/resources.zip", projects.resources_zip, name="resources_zip"),
    path("projects/<slug:slug>/productions", projects.make_production, name="make_production"),
    path(
        "projects/<slug:slug>/productions/<int:production_id>/release",
        projects.release,
        name="release",
    ),
    path("calls/<int:call_id>", calls.call, name="call"),
    path("calls/<int:call_id>/enter", calls.enter, name="enter"),
    path("calls/<int:call_id>/review", review.review, name="review"),
    path("calls/<int:call_id>/decide", review.decide, name="decide"),
    path("entries/<int:entry_id>/withdraw", calls.withdraw, name="withdraw"),
    path("entries/<int:entry_id>/score", review.score, name="score"),
]
