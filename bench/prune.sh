#!/usr/bin/env bash
# Times shed image df / prune --dry-run / prune on a store with N unreferenced blobs (plus 3 named images and a
# shed), against the plain-tool anchors on the same files in the same run: `du -sb blobs/` (what df must at least
# read) and `find -delete` of exactly the garbage (what prune must at least do).
# Usage: bench/prune.sh [N=20000]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-20000}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export SHED_ROOT="$work/store"
shed() { "$here/shed" "$@"; }
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

shed demo >/dev/null 2>&1 || true
python3 - "$SHED_ROOT/blobs/sha256" "$n" <<'PY'
import hashlib, os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    b = os.urandom(4096 + i % 8192)
    h = hashlib.sha256(b).hexdigest()
    with open(os.path.join(d, h), "wb") as f: f.write(b)
PY
blobs=$(ls "$SHED_ROOT/blobs/sha256" | wc -l)
cp -a "$SHED_ROOT" "$work/anchor"
echo "store: $blobs blobs ($(du -sh "$SHED_ROOT/blobs" | cut -f1))"
echo "shed image df:               $(t shed image df) s"
echo "du -sb blobs (anchor):       $(t du -sb "$work/anchor/blobs") s"
echo "shed image prune --dry-run:  $(t shed image prune --dry-run) s"
keep=$(shed image ls --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "shed image prune:            $(t shed image prune) s   (named images kept: $keep)"
live=$(cd "$SHED_ROOT/blobs/sha256" && ls)
echo "find -delete (anchor):       $(t bash -c "cd '$work/anchor/blobs/sha256' && ls | grep -v -x -F '$(echo "$live" | tr '\n' ' ' | sed 's/ /\n/g')' | xargs rm -f") s"
shed image verify
