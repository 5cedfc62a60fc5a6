#!/bin/sh
# Entrypoint of the worker image (build arg ENTRYPOINT=./worker.sh, WORKDIR /app/apps/worker).
set -e
cd "$(dirname "$0")"
# cloud images ship codecov-load-secrets: it exports KEY=VALUE files from the secrets dir.
if command -v codecov-load-secrets >/dev/null 2>&1; then
    exec codecov-load-secrets python -m worker "$@"
fi
exec python -m worker "$@"
