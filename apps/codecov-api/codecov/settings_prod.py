"""API settings for the images (the default when DJANGO_SETTINGS_MODULE is unset)."""

SETTINGS_OWNER = "codecov-api"
TESTING = False
JOBS_TABLE = "jobs"
JOBS_QUEUE = "jobs"
API_PORT = 8000
