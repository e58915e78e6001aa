"""WSGI entry point (gunicorn parindex.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
application = get_wsgi_application()
