"""Worker settings for the test suites (DJANGO_SETTINGS_MODULE=django_scaffold.settings_test)."""

SETTINGS_OWNER = "worker"
RUN_ENV = "TESTING"
TESTING = True
JOBS_QUEUE = "worker-test-jobs"
JOBS_TABLE = "jobs"
QUEUE_POP_TIMEOUT = 2
