"""Settings for shared's own test suite (DJANGO_SETTINGS_MODULE=shared.settings_test)."""

RUN_ENV = "TESTING"
TESTING = True
SETTINGS_OWNER = "shared"
# Tests use their own queue/table names so they never touch real work.
JOBS_QUEUE = "shared-test-jobs"
JOBS_TABLE = "jobs"
QUEUE_POP_TIMEOUT = 2
