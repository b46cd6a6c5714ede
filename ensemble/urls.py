from django.contrib import admin
from django.urls import include, path, re_path

from ensemble.api import api
from ensemble.community import views as community_views
from ensemble.core import metrics
from ensemble.core import views as core_views
from ensemble.records import resumable_views

urlpatterns = [
    path("", community_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", metrics.view, name="metrics"),
    # Resumable uploads (tus 1.0): their own protocol, beside the API (records.resumable).
    path("api/v1/resumable/", resumable_views.uploads, name="tus_uploads"),
    path("api/v1/resumable/<str:upload_id>", resumable_views.upload, name="tus_upload"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", core_views.api_not_found),
    path(
        "admin/", admin.site.urls
    ),  # operators only (staff): accounts/admin.py, moderation/admin.py
    path("", include("ensemble.front.accounts_urls")),  # `accounts:…`: with the profile page
    path("", include("ensemble.notifications.urls")),
    path("", include("ensemble.front.urls")),  # `records:…`: front's pages and records' own
    path("", include("ensemble.lineage.urls")),
    path("", include("ensemble.front.projects_urls")),  # `projects:…`: with the project page
    path("", include("ensemble.timelines.urls")),
    path("", include("ensemble.payments.urls")),
    path("", include("ensemble.community.urls")),
    path("", include("ensemble.search.urls")),
    path("", include("ensemble.moderation.urls")),
    # Public media (avatars). Record media goes through signed links (records.media_views).
    re_path(r"^media/(?P<path>avatars/[A-Za-z0-9_.-]+)$", core_views.public_media),
]

handler400 = "ensemble.core.views.error_400"
handler403 = "ensemble.core.views.error_403"
handler404 = "ensemble.core.views.error_404"
handler500 = "ensemble.core.views.error_500"
