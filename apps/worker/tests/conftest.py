import os

# CI sets these; default them so a bare `pytest` in apps/worker behaves the same.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_scaffold.settings_test")
os.environ.setdefault("RUN_ENV", "TESTING")
