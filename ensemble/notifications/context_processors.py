from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ensemble.notifications.models import Notification


def unread_count(request: HttpRequest) -> dict[str, object]:
    """The unread count shown in the header: one COUNT query, only for members, only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: fragments that never show the header never run the query.
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.for_user(user).unread().count()
        )
    }
