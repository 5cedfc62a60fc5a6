#!/bin/sh
# codecov-load-secrets: export KEY=VALUE lines from the files of a mounted secrets
# directory, then exec the given command.  Installed at /usr/local/bin/codecov-load-secrets
# in the `cloud` images.
#
#   CODECOV_SECRETS_DIR   directory to read (default /run/secrets/codecov); every regular
#                         file in it is read; a missing directory means "no secrets".
#
# Lines are `KEY=VALUE` (VALUE taken verbatim up to the end of the line, no quoting);
# blank lines and lines starting with # are skipped.  A variable that is already set in
# the environment is NOT overwritten.  Malformed lines abort with exit code 2.
set -eu

if [ "$#" -eq 0 ]; then
    echo "usage: codecov-load-secrets COMMAND [ARG...]" >&2
    exit 64
fi

dir="${CODECOV_SECRETS_DIR:-/run/secrets/codecov}"
if [ -d "$dir" ]; then
    for file in "$dir"/*; do
        [ -f "$file" ] || continue
        while IFS= read -r line || [ -n "$line" ]; do
            case "$line" in
                '' | '#'*) continue ;;
            esac
            key="${line%%=*}"
            if [ "$key" = "$line" ]; then
                echo "codecov-load-secrets: $file: line without '=' rejected" >&2
                exit 2
            fi
            case "$key" in
                '' | [0-9]* | *[!A-Za-z0-9_]*)
                    echo "codecov-load-secrets: $file: invalid variable name '$key'" >&2
                    exit 2
                    ;;
            esac
            if eval "[ -z \"\${$key+set}\" ]"; then
                export "$line"
            fi
        done < "$file"
    done
fi

exec "$@"
