"""Worker settings for the images (the default when DJANGO_SETTINGS_MODULE is unset)."""

SETTINGS_OWNER = "worker"
TESTING = False
JOBS_QUEUE = "jobs"
JOBS_TABLE = "jobs"
QUEUE_POP_TIMEOUT = 5
