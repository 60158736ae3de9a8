#!/bin/sh
# Serves the status site in the foreground so the container's lifetime is the server's.
set -eu
echo "acme-status ${APP_VERSION:-unknown} (${NODE_ENV:-development}) listening on :${PORT:-8080}"
exec httpd -f -p "${PORT:-8080}" -h /srv/app/www
