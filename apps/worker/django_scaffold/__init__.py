"""Settings package of the worker (DJANGO_SETTINGS_MODULE=django_scaffold.settings_*)."""
