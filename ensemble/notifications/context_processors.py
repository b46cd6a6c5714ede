from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ensemble.notifications.services import newest_and_unread


def unread_count(request: HttpRequest) -> dict[str, object]:
    """The unread count shown in the header: one statement, only for members, only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Read already (the notifications page reads it with their newest): that count.
    known = getattr(request, "unread_notifications", None)
    if known is not None:
        return {"unread_notifications": known}
    # Lazy: fragments that never show the header never run the query.
    return {"unread_notifications": SimpleLazyObject(lambda: newest_and_unread(user.pk)[1])}
