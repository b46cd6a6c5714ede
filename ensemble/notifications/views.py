from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ensemble.notifications import services
from ensemble.notifications.forms import PreferencesForm
from ensemble.notifications.models import Notification, Preference

PAGE_SIZE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(request.user).select_related(
        "actor", "about_type"
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _attach_about(rows)
    page.object_list = rows
    return render(request, "notifications/list.html", {"page": page})


def _attach_about(rows: list[Notification]) -> None:
    """Fetch what notifications are about in one query per type, never one per row."""
    by_type: dict[int, list[Notification]] = {}
    for row in rows:
        if row.about_type_id:
            by_type.setdefault(row.about_type_id, []).append(row)
    for group in by_type.values():
        model = group[0].about_type.model_class()
        if model is None:
            continue
        objects = model._default_manager.in_bulk([row.about_id for row in group])
        for row in group:
            row.about = objects.get(row.about_id)


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    raw_id = request.POST.get("id")
    if raw_id:
        if not raw_id.isdigit():
            messages.error(request, "That notification does not exist.")
            return redirect("notifications:list")
        services.mark_read(request.user, [int(raw_id)])
    else:
        changed = services.mark_read(request.user)
        messages.success(request, f"Marked {changed} notification(s) as read.")
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = dict(Preference.objects.filter(user=request.user).values_list("kind", "delivery"))
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.choices())
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
