#!/bin/sh
# Usage: go-build.sh [PACKAGES=./cmd/...] - build static, reproducible binaries into ./dist
set -eu
packages="${1:-./cmd/...}"
# VERSION comes from CI; a local build says so instead of claiming a release.
version="${VERSION:-dev}"

mkdir -p dist
# -trimpath and no VCS stamp: the same commit gives the same bytes on any machine.
exec go build -trimpath -buildvcs=false -ldflags "-s -w -X main.version=${version}" -o dist/ "$packages"
