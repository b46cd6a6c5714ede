from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ensemble.accounts.http import member
from ensemble.core.params import whole
from ensemble.notifications import services
from ensemble.notifications.forms import PreferencesForm
from ensemble.notifications.kinds import Delivery
from ensemble.notifications.models import Notification, Preference

PAGE_SIZE = 30


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.for_user(member(request)).select_related(
        "actor", "about_type"
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = services.attach_about(list(page.object_list))
    return render(request, "notifications/list.html", {"page": page})


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
