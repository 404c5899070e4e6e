#!/usr/bin/env bash
# Benchmark: the cost of verifying layers while they are read (blob digest + size, uncompressed tar against the
# config's rootfs.diff_ids), as a same-run A/B: this tree's shed against the same tree built with the hashing and
# the end-of-stream judgement taken out (two lines patched in a copy), alternating, on one store, for
# `image materialize` (Java backend) and `image export -o -`. Needs root only to drop the page cache.
#
# Corpus: the host's /usr/share/locale (DIR to override), imported once as a one-layer gzip image.
#
# Usage: bench/layer-verify.sh [DIR]   (prints a table; also bench/results/layer-verify.txt)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
corpus_dir="${1:-/usr/share/locale}"
results="$here/results"
work="$(mktemp -d /tmp/shed-layer-verify.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$results"
log() { echo "bench: $*" >&2; }

log "building this tree, and a copy that reads layers unverified"
(cd "$repo" && mvn -q -B -Dstyle.color=never -DskipTests package >&2)
mkdir -p "$work/base"
git -C "$repo" archive HEAD | tar -x -C "$work/base"
layer="$work/base/core/src/main/java/dev/shed/core/layer"
sed -i 's/^\(\s*\)md.update(b, off, n);/\1\/\/ unverified: no hashing/' "$layer/DigestingStream.java"
sed -i 's/^\(\s*\)if (verified) return;/\1if (true) return; \/\/ unverified: no end-of-stream read or judgement/' "$layer/LayerReader.java"
grep -q 'unverified: no hashing' "$layer/DigestingStream.java" && grep -q 'unverified: no end' "$layer/LayerReader.java" \
  || { echo "bench: could not patch the unverified copy" >&2; exit 1; }
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
  echo "corpus: $corpus_dir as one gzip layer, store blobs $gz bytes; $(git -C "$repo" rev-parse --short HEAD), unverified copy vs as built; median of 3 alternating runs"
  printf '%-22s %12s %12s %12s %12s %9s %9s\n' "" "unverif wall" "verified wall" "unverif CPU" "verified CPU" "wall x" "CPU x"
  for op in materialize export; do
    bw=$(median "old-$op" 2); nw=$(median "new-$op" 2); bc_=$(median "old-$op" 3); nc=$(median "new-$op" 3)
    printf '%-22s %12.2f %12.2f %12.2f %12.2f %9.3f %9.3f\n' "image $op" "$bw" "$nw" "$bc_" "$nc" \
        "$(echo "$nw/$bw" | bc -l)" "$(echo "$nc/$bc_" | bc -l)"
  done
} | tee "$results/layer-verify.txt"
