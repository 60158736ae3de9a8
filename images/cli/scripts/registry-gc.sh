#!/bin/sh
# Usage: registry-gc.sh [ROOT=/var/lib/registry] [DAYS=7] - remove upload sessions older than DAYS
#
# Pushes that die halfway leave their partial blobs under _uploads forever; the registry's own
# purging only runs while it is up, and never for repositories it does not touch again.
set -eu
root="${1:-/var/lib/registry}/docker/registry/v2/repositories"
days="${2:-7}"

if [ ! -d "$root" ]; then
  echo "registry-gc: no repositories under $root; is the registry volume mounted?" >&2
  exit 2
fi

before=$(du -sk "$root" | cut -f1)
find "$root" -type d -path '*/_uploads/*' -prune -mtime "+$days" -exec rm -rf {} +
after=$(du -sk "$root" | cut -f1)
echo "registry-gc: freed $((before - after)) KiB of stale uploads under $root"
