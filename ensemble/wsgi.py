"""WSGI entry point, served by granian (`ensemble serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ensemble.settings")
application = get_wsgi_application()
