from django.urls import path

from ensemble.records import media_views, views

app_name = "records"

urlpatterns = [
    path("records/", views.browse, name="browse"),
    path("records/mine", views.mine, name="mine"),
    path("records/new", views.new, name="new"),
    path("records/write", views.write, name="write"),
    path("records/<id:record_id>", views.detail, name="detail"),
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
