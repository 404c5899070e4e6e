#!/usr/bin/env bash
# Benchmark: wall time of `shed image ls` on a store with 20 images (goal: median <= 0.3 s), with
# `umoci ls --layout` and `skopeo inspect oci:` on the same store as third-party anchors.
# Usage: bench/image-ls.sh [RUNS]   (default 11). Needs umoci and skopeo for the anchors (skipped if absent).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-11}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
shed=("$here/shed" --root "$root")

"$here/shed" --version >/dev/null 2>&1 || true   # builds the jar and the CDS archive on first use
echo "setting up a store with 20 images in $root ..." >&2
for i in $(seq -w 1 20); do
  mkdir -p "$work/src$i/etc" "$work/src$i/usr/share/img$i"
  echo "image $i" > "$work/src$i/etc/id"
  head -c $((10#$i * 4096)) /dev/urandom > "$work/src$i/usr/share/img$i/data"
done
for i in $(seq -w 1 20); do "${shed[@]}" image import "$work/src$i" --tag "bench/img$i" >/dev/null; done
"${shed[@]}" image ls >/dev/null   # warm the page cache and the CDS archive

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# time_runs KIND command... : median over $runs runs of wall (KIND=wall) or user+sys CPU seconds (KIND=cpu).
# CPU time is reported too because wall time on a shared, loaded machine mostly measures the other processes.
time_runs() {
  local kind="$1"; shift
  for _ in $(seq "$runs"); do
    local TIMEFORMAT='%R %U %S' t
    t=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
    if [ "$kind" = wall ]; then echo "$t" | awk '{print $1}'; else echo "$t" | awk '{print $2 + $3}'; fi
  done | median
}

lines=$("${shed[@]}" image ls | tail -n +2 | wc -l)
[ "$lines" -eq 20 ] || { echo "expected 20 images, ls shows $lines" >&2; exit 1; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
t_shed=$(time_runs wall "${shed[@]}" image ls)
c_shed=$(time_runs cpu "${shed[@]}" image ls)
t_json=$(time_runs wall "${shed[@]}" image ls --format json)
printf 'shed image ls (20 images):               median wall %.3f s, cpu %.3f s over %d runs (goal <= 0.300 s wall)\n' "$t_shed" "$c_shed" "$runs"
printf 'shed image ls --format json:             median wall %.3f s\n' "$t_json"
if command -v umoci >/dev/null; then
  t_umoci=$(time_runs wall umoci ls --layout "$root")
  printf 'umoci ls --layout (names only):          median wall %.3f s   shed/umoci = %.2f\n' "$t_umoci" "$(awk -v a="$t_shed" -v b="$t_umoci" 'BEGIN { print a / b }')"
fi
if command -v skopeo >/dev/null; then
  all_skopeo() { for i in $(seq -w 1 20); do skopeo inspect "oci:$root:docker.io/bench/img$i:latest" >/dev/null; done; }
  t_skopeo=$(time_runs wall all_skopeo)
  printf 'skopeo inspect oci: x20 (same details):  median wall %.3f s   shed/skopeo = %.2f\n' "$t_skopeo" "$(awk -v a="$t_shed" -v b="$t_skopeo" 'BEGIN { print a / b }')"
fi
awk -v t="$t_shed" 'BEGIN { exit !(t <= 0.3) }' && echo "goal met" || echo "goal NOT met (wall; see cpu and load average)"
