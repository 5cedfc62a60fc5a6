import os

# CI sets these; default them so a bare `pytest` in libs/shared behaves the same.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shared.settings_test")
os.environ.setdefault("RUN_ENV", "TESTING")
