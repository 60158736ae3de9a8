#!/bin/sh
# Usage: backup.sh [SOURCE=/var/lib/registry] [DEST=/backup] [KEEP=7] - archive SOURCE into DEST, keep the newest KEEP
#
# Run it with the registry in read-only mode (or stopped): an archive taken during a push can hold
# a manifest without its blobs.
set -eu
src="${1:-/var/lib/registry}"
dest="${2:-/backup}"
keep="${3:-7}"

mkdir -p "$dest"
archive="$dest/registry-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
tar -czf "$archive.partial" -C "$src" .
# Rename only once complete, so a half-written archive never counts as a backup.
mv "$archive.partial" "$archive"
echo "backup: wrote $archive"

ls -1t "$dest"/registry-*.tar.gz | tail -n "+$((keep + 1))" | xargs -r rm -f
