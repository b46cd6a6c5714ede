from django.urls import path

from ensemble.lineage import views

app_name = "lineage"

urlpatterns = [
    path("records/<id:record_id>/sources", views.cite, name="cite"),
    # The list of all sources (GET); `…/sources` itself takes a new citation (POST).
    path("records/<id:record_id>/sources/all", views.sources_page, name="sources"),
    path("records/<id:record_id>/sources/<id:source_id>/remove", views.uncite, name="uncite"),
    path(
        "records/<id:record_id>/sources/<id:source_id>/edit",
        views.edit_citation,
        name="edit_citation",
    ),
    path("records/<id:record_id>/credits", views.credits_page, name="credits"),
    path("records/<id:record_id>/tree", views.tree_page, name="tree"),
    path("records/<id:record_id>/used-in", views.used_in_page, name="used_in"),
    path("lineage/search", views.search, name="search"),
]
