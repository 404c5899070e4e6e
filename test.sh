#!/usr/bin/env bash
# Runs every test: unit, integration (umoci, skopeo, fsck.erofs, docker-registry) and, as root, kernel mounts.
set -euo pipefail
cd "$(dirname "$0")"
# Tests use non-ASCII file names; Java can only name them in a UTF-8 locale (the launcher does the same).
case "$(locale charmap 2>/dev/null)" in UTF-8) ;; *) export LC_ALL=C.UTF-8 ;; esac
exec mvn -B -ntp verify "$@"
