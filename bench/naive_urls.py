"""The site's URLs and one page more, `/bench/naive-list`: the list page a first Django
project would write, measured beside Ensemble's pages by bench/pages.py (the reference
rows). Bench only: served with bench/naive_settings.py.

It is the page of shared/FACTS.md's "Serving Django 6.1 on 2 cores", whose share of the
floor (≈ 1/14) is issue 17's first bar: the 20 newest public records joined to their
owners (`select_related`), rendered with a small Django template of its own (no
base.html, no cached fragments), on every request: `never_cache` keeps the visitors'
page cache (ensemble/core/pagecache.py) from serving it. A signed-in reader's session
and user are loaded, as on any page that greets them.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache

from ensemble import urls as site
from ensemble.records.models import Record

NAIVE_LIST = "/bench/naive-list"
ROWS = 20


@never_cache
def naive_list(request: HttpRequest) -> HttpResponse:
    records = Record.objects.public().select_related("owner").order_by("-id")[:ROWS]
    return render(request, "bench/naive_list.html", {"records": records})


# Last: every other address resolves exactly as on the site, in as many steps.
urlpatterns = [*site.urlpatterns, path(NAIVE_LIST.lstrip("/"), naive_list, name="naive_list")]
# A URLconf's own error views: the site's.
handler400, handler403 = site.handler400, site.handler403
handler404, handler500 = site.handler404, site.handler500
