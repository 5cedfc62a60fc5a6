"""API settings for the test suite (DJANGO_SETTINGS_MODULE=codecov.settings_test)."""

SETTINGS_OWNER = "codecov-api"
RUN_ENV = "TESTING"
TESTING = True
JOBS_TABLE = "jobs"
JOBS_QUEUE = "jobs"
API_PORT = 0
