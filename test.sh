#!/usr/bin/env bash
# Runs every test: unit, integration (umoci, skopeo, fsck.erofs, docker-registry) and, as root, kernel mounts.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B -ntp verify "$@"
