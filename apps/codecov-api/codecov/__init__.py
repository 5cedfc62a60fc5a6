"""Settings package of the API (DJANGO_SETTINGS_MODULE=codecov.settings_*) and its WSGI entry."""
