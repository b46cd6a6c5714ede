"""The `records` URL names, composed here: the pages that show several apps (browse,
upload, write, the record page) and records' own pages (records/urls.py).

They keep the names and paths they always had (`records:detail` is `/records/<id>`).
Django reverses a namespace from one `include` only, so the one `records` namespace is
declared here, above both."""

from django.urls import path

from ensemble.front import views
from ensemble.records import urls as records_urls

app_name = "records"

urlpatterns = [
    path("records/", views.browse, name="browse"),
    path("records/new", views.new, name="new"),
    path("records/write", views.write, name="write"),
    path("records/<id:record_id>", views.detail, name="detail"),
    *records_urls.urlpatterns,
]
