#!/usr/bin/env bash
# Benchmark: the cost of verifying layers while they are read (blob digest + size, uncompressed tar against the
# config's rootfs.diff_ids), as a same-run A/B: this tree's shed against a build of BASE (default: main, which
# reads layers unverified, if it predates the check), alternating, on one store, for `image materialize` (Java
# backend) and `image export -o -`. Needs root only to drop the page cache (skipped otherwise).
#
# Corpus: a copy of the host's /usr/share (DIR to override), imported once as a one-layer gzip image.
#
# Usage: bench/layer-verify.sh [BASE_REF] [DIR]   (prints a table; also bench/results/layer-verify.txt)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
base_ref="${1:-main}"
corpus_dir="${2:-/usr/share}"
results="$here/results"
work="$(mktemp -d /tmp/shed-layer-verify.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$results"
log() { echo "bench: $*" >&2; }

log "building this tree and $base_ref"
(cd "$repo" && mvn -q -B -Dstyle.color=never -DskipTests package >&2)
mkdir -p "$work/base"
git -C "$repo" archive "$base_ref" | tar -x -C "$work/base"
(cd "$work/base" && mvn -q -B -Dstyle.color=never -DskipTests package >&2)
new="$repo/shed"
old="$work/base/shed"

export SHED_ROOT="$work/store"
log "importing $corpus_dir"
"$new" image import "$corpus_dir" -t bench/verify:latest >/dev/null
gz=$(du -sb "$SHED_ROOT/blobs/sha256" | cut -f1)

drop() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }
timed() { # timed LABEL CMD... -> "LABEL wall cpu"
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  read -r wall user sys < "$work/t"
  echo "$label $wall $(echo "$user + $sys" | bc -l)" >> "$work/times"
}
for round in 1 2 3; do
  for v in old new; do
    shed="${!v}"
    rm -rf "$SHED_ROOT/cache"
    drop; timed "$v-materialize" "$shed" image materialize --quiet bench/verify:latest
    drop; timed "$v-export" sh -c "'$shed' image export bench/verify:latest -o - > /dev/null"
  done
done
median() { grep "^$1 " "$work/times" | awk -v c="$2" '{print $c}' | sort -n | sed -n 2p; }
{
  echo "layer verification A/B ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "corpus: $corpus_dir as one gzip layer, store blobs $gz bytes; base = $base_ref ($(git -C "$repo" rev-parse --short "$base_ref")), new = $(git -C "$repo" rev-parse --short HEAD); median of 3 alternating runs"
  printf '%-22s %12s %12s %12s %12s %9s %9s\n' "" "base wall" "new wall" "base CPU" "new CPU" "wall x" "CPU x"
  for op in materialize export; do
    bw=$(median "old-$op" 2); nw=$(median "new-$op" 2); bc_=$(median "old-$op" 3); nc=$(median "new-$op" 3)
    printf '%-22s %12.2f %12.2f %12.2f %12.2f %9.3f %9.3f\n' "image $op" "$bw" "$nw" "$bc_" "$nc" \
        "$(echo "$nw/$bw" | bc -l)" "$(echo "$nc/$bc_" | bc -l)"
  done
} | tee "$results/layer-verify.txt"
