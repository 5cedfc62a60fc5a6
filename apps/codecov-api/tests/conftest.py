import os

# CI sets these; default them so a bare `pytest` in apps/codecov-api behaves the same.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codecov.settings_test")
os.environ.setdefault("RUN_ENV", "TESTING")
