#!/bin/sh
# Entrypoint of the API image (build arg ENTRYPOINT=./api.sh, WORKDIR /app/apps/codecov-api).
set -e
cd "$(dirname "$0")"
set -- gunicorn --bind "0.0.0.0:${CODECOV_API_PORT:-8000}" \
    --workers "${GUNICORN_WORKERS:-2}" --access-logfile - codecov.wsgi:application "$@"
# cloud images ship codecov-load-secrets: it exports KEY=VALUE files from the secrets dir.
if command -v codecov-load-secrets >/dev/null 2>&1; then
    exec codecov-load-secrets "$@"
fi
exec "$@"
