"""WSGI entry point, served by granian (`ensemble serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ensemble.settings")
django_application = get_wsgi_application()

from ensemble.core.arrival import ArrivalGuard  # noqa: E402 - needs the settings loaded
from ensemble.core.workslots import WorkSlots  # noqa: E402

# Request bodies arrive within a deadline and a budget (ensemble/core/arrival.py), and
# WEB_WORK_SLOTS requests at a time work in Django, in turn (ensemble/core/workslots.py).
application = ArrivalGuard(WorkSlots(django_application))
