"""Records' own pages. Mounted by `front/urls.py` in the `records` namespace, beside the
pages that show several apps (`records:browse`, `records:new`, `records:write`,
`records:detail`)."""

from django.urls import path

from ensemble.records import media_views, views

urlpatterns = [
    path("records/mine", views.mine, name="mine"),
    path("records/<id:record_id>/status", views.status, name="status"),
    path("records/<id:record_id>/edit", views.edit, name="edit"),
    path("records/<id:record_id>/publish", views.publish, name="publish"),
    path("records/<id:record_id>/delete", views.delete, name="delete"),
    path("records/<id:record_id>/versions/new", views.new_version, name="new_version"),
    path("records/<id:record_id>/cocreators", views.invite, name="invite"),
    path(
        "records/<id:record_id>/cocreators/<id:cocreator_id>/<str:verb>",
        views.answer,
        name="answer",
    ),
    path("media/r/<str:token>/<str:name>", media_views.serve, name="media"),
]
