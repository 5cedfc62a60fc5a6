"""WSGI entry point for gunicorn: ``gunicorn codecov.wsgi:application``.

Settings and config are read lazily, on the first request that needs the job store.
"""

import os

from api.app import make_default_app

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codecov.settings_prod")

application = make_default_app()
