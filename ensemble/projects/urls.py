"""Projects' own pages. Mounted by `front/projects_urls.py` in the `projects` namespace,
beside the project page, which shows several apps (`projects:detail`)."""

from django.urls import path

from ensemble.projects.views import calls, events, open_calls, projects, review

urlpatterns = [
    path("projects/new", projects.new_project, name="new"),
    path("projects/<slug:slug>/status", projects.project_status, name="status"),
    path("projects/<slug:slug>/leaders", projects.add_leader, name="add_leader"),
    path("projects/<slug:slug>/calls/new", calls.new_call, name="new_call"),
    path("projects/<slug:slug>/updates", projects.post_update, name="post_update"),
    path("projects/<slug:slug>/stages/<id:position>", projects.stage_state, name="stage_state"),
    path("projects/<slug:slug>/resources", projects.add_resource, name="add_resource"),
    path("projects/<slug:slug>/resources.zip", projects.resources_zip, name="resources_zip"),
    path("projects/<slug:slug>/productions", projects.make_production, name="make_production"),
    path(
        "projects/<slug:slug>/productions/<id:production_id>/release",
        projects.release,
        name="release",
    ),
    path("calls/", open_calls.open_calls, name="open_calls"),
    path("calls/<id:call_id>", calls.call, name="call"),
    path("calls/<id:call_id>/enter", calls.enter, name="enter"),
    path("calls/<id:call_id>/review", review.review, name="review"),
    path("calls/<id:call_id>/decide", review.decide, name="decide"),
    path("calls/<id:call_id>/upload", events.upload_into_call, name="upload"),
    path("calls/<id:call_id>/upload/sent", events.upload_sent, name="upload_sent"),
    path("calls/<id:call_id>/event-mode", events.event_mode, name="event_mode"),
    path("calls/<id:call_id>/screen", events.event_screen, name="event_screen"),
    path("e/<str:code>", events.event, name="event"),
    path("e/<str:code>/sent", events.event_uploads, name="event_sent"),
    path("e/<str:code>/qr.svg", events.event_qr, name="event_qr"),
    path("uploads/<id:upload_id>/discard", events.discard_upload, name="discard_upload"),
    path("entries/<id:entry_id>/withdraw", calls.withdraw, name="withdraw"),
    path("entries/<id:entry_id>/score", review.score, name="score"),
]
