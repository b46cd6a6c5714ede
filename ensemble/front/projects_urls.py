"""The `projects` URL names, composed here: projects' own pages (projects/urls.py) and
the project page, which shows several apps (front/project.py). Declared once, here, for
the reason front/urls.py gives: Django reverses a namespace from one `include` only."""

from django.urls import path

from ensemble.front import project
from ensemble.projects import urls as projects_urls

app_name = "projects"

urlpatterns = [
    *projects_urls.urlpatterns,
    path("projects/<slug:slug>/", project.project_page, name="detail"),
]
