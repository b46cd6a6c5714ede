from django.urls import path

from ensemble.community import views

app_name = "community"

urlpatterns = [
    path("records/<id:record_id>/heart", views.heart, name="heart"),
    path("follow", views.follow, name="follow"),
    path("comments", views.comment, name="comment"),
    path("comments/on/<str:kind>/<str:target_id>", views.older_comments, name="older_comments"),
    path("comments/<id:comment_id>/edit", views.edit_comment, name="edit_comment"),
    path("comments/<id:comment_id>/delete", views.delete_comment, name="delete_comment"),
    path("feed", views.home_feed, name="feed"),
    path("lists/new", views.new_list, name="new_list"),
    path("lists/add", views.add_to_list, name="add_to_list"),
    path("lists/<id:list_id>", views.record_list, name="list"),
    path(
        "lists/<id:list_id>/remove/<id:record_id>",
        views.remove_from_list,
        name="remove_from_list",
    ),
]
