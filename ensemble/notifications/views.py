import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core import fragments, memberpages
from ensemble.core.params import whole
from ensemble.notifications import services
from ensemble.notifications.forms import PreferencesForm
from ensemble.notifications.kinds import Delivery
from ensemble.notifications.models import Notification, Preference

PAGE_SIZE = 30


@login_required
@memberpages.kept_page(seconds=60)
def notification_list(request: HttpRequest) -> HttpResponse:
    """A page of the member's notifications, kept for them alone (core.fragments) under
    their newest notification's id and unread count, which change whenever the list
    does, and the minute, for "3 minutes ago"."""
    user = member(request)
    newest, unread = services.newest_and_unread(user.pk)
    request.unread_notifications = unread  # type: ignore[attr-defined]  # the header's count
    number = min(whole(request.GET.get("page")) or 1, 100_000)  # a key: a bounded number

    def body(viewer: Any) -> fragments.Shared:
        notifications = Notification.objects.for_user(viewer).select_related("actor", "about_type")
        page = Paginator(notifications, PAGE_SIZE).get_page(number)
        page.object_list = services.attach_about(list(page.object_list))
        shown = {**fragments.context_for(viewer), "page": page, "unread_notifications": unread}
        return fragments.Shared(render_to_string("notifications/list.html#body", shown))

    minute = int(time.time() // 60)
    kept = fragments.shared(
        request, "notifications", number, newest, unread, minute, render=body, personal=True
    )
    return render(request, "notifications/list.html", {"body": kept})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    raw_id = request.POST.get("id")
    if raw_id:
        notification_id = whole(raw_id)
        if notification_id is None:
            messages.error(request, "That notification does not exist.")
            return redirect("notifications:list")
        services.mark_read(member(request), [notification_id])
    else:
        changed = services.mark_read(member(request))
        messages.success(request, f"Marked {changed} notification(s) as read.")
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = member(request)
    current = {
        kind: Delivery(delivery)
        for kind, delivery in Preference.objects.filter(user=user).values_list("kind", "delivery")
    }
    # Bound on every POST, even an empty one, so a missing choice is an error, not a no-op.
    form = PreferencesForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user, form.choices())
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
