#!/usr/bin/env bash
# Benchmark: `shed erofs build` (our pure-Java EROFS writer) vs `mkfs.erofs` (erofs-utils) on the same directory
# tree in the same run, back to back, for each compression: lz4hc (each tool's default level: shed 5, mkfs.erofs 9),
# lz4, and none. Reports the median wall and CPU (user+sys) time of N runs, image size, peak RSS (/usr/bin/time -v) and the ratios
# ours/mkfs. Every image is checked with `fsck.erofs` (exit 0) so a fast-but-broken writer can't look good, and
# our runs must give byte-identical images (determinism).
#
# Corpus: the `full` image of the Debian rootfs corpus that bench/materialize.sh builds into bench/work/oci,
# unpacked once with umoci into bench/work/full-bundle/rootfs (cached). Needs root (umoci unpack keeps owners),
# umoci, erofs-utils, /usr/bin/time (Debian package `time`).
#
# Usage: bench/erofs.sh [-n RUNS] [-c lz4hc,lz4hc9,lz4,none] [--src DIR] [--threads N]
#   prints a table; also bench/results/erofs.txt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
work="$here/work"
results="$here/results"
runs=3
configs="lz4hc,lz4,none"
src=""
threads=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    -c) configs="$2"; shift 2 ;;
    --src) src="$2"; shift 2 ;;
    --threads) threads=(--threads "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
done

log() { echo "bench: $*" >&2; }
for tool in mkfs.erofs fsck.erofs /usr/bin/time; do
  command -v "$tool" >/dev/null || { log "missing $tool (apt-get install -y erofs-utils time)"; exit 1; }
done

if [ -z "$src" ]; then
  if [ ! -d "$work/full-bundle/rootfs" ]; then
    if [ ! -d "$work/oci" ]; then
      log "no corpus in $work/oci: run bench/materialize.sh first (it builds the Debian corpus once)"
      exit 1
    fi
    command -v umoci >/dev/null || { log "missing umoci"; exit 1; }
    log "unpacking $work/oci:full into $work/full-bundle (once)"
    rm -rf "$work/full-bundle.tmp"
    umoci unpack --image "$work/oci:full" "$work/full-bundle.tmp" >&2
    mv "$work/full-bundle.tmp" "$work/full-bundle"
  fi
  src="$work/full-bundle/rootfs"
fi

out="$work/erofs-out"
mkdir -p "$out" "$results"
# Build the jar (and the launcher's CDS archive) before anything is timed.
"$repo/shed" erofs build --help >/dev/null

load0=$(cut -d" " -f1-3 /proc/loadavg)
src_bytes=$(du -sb --apparent-size "$src" | cut -f1)
src_files=$(find "$src" | wc -l)

# run NAME CMD...: one timed run; appends "wall rss" to $out/NAME.times; keeps the image as $out/NAME.img
run() {
  local name="$1"; shift
  local img="$out/$name.img"
  rm -f "$img"
  sync
  /usr/bin/time -v -o "$out/$name.time" "$@" >"$out/$name.log" 2>&1 || { log "$name failed:"; cat "$out/$name.log" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$out/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/$name.time")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$out/$name.time")
  echo "$wall $rss $(cut -d' ' -f1 /proc/loadavg) $cpu" >> "$out/$name.times"
}

verify() {
  local name="$1"
  fsck.erofs "$out/$name.img" >"$out/$name.fsck" 2>&1 || { log "fsck.erofs FAILED on $name:"; cat "$out/$name.fsck" >&2; exit 1; }
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

rows=()
IFS=',' read -ra config_list <<< "$configs"
for z in "${config_list[@]}"; do
  case "$z" in
    lz4hc) ours_z="lz4hc";   mkfs_z=(-zlz4hc) ;;   # each tool's default level: shed 5, mkfs.erofs 9
    lz4hc9) ours_z="lz4hc,9"; mkfs_z=(-zlz4hc) ;;  # level 9 on both sides
    lz4)   ours_z="lz4";     mkfs_z=(-zlz4) ;;
    none)  ours_z="none";    mkfs_z=() ;;
    *) log "unknown compression $z"; exit 2 ;;
  esac
  rm -f "$out/ours-$z.times" "$out/mkfs-$z.times"
  ours_sum=""
  for i in $(seq "$runs"); do
    log "$z run $i/$runs (load $(cut -d' ' -f1-3 /proc/loadavg))"
    run "ours-$z" "$repo/shed" erofs build "$src" "$out/ours-$z.img" -z "$ours_z" "${threads[@]}"
    sum=$(sha256sum "$out/ours-$z.img" | cut -d' ' -f1)
    if [ -n "$ours_sum" ] && [ "$sum" != "$ours_sum" ]; then log "ours-$z: run $i gave different bytes"; exit 1; fi
    ours_sum="$sum"
    run "mkfs-$z" mkfs.erofs "${mkfs_z[@]}" "$out/mkfs-$z.img" "$src"
  done
  verify "ours-$z"
  verify "mkfs-$z"
  for side in ours mkfs; do
    f="$out/$side-$z.times"
    wall=$(cut -d' ' -f1 "$f" | median)
    rss=$(cut -d' ' -f2 "$f" | median)
    load=$(cut -d' ' -f3 "$f" | median)
    cpu=$(cut -d' ' -f4 "$f" | median)
    size=$(stat -c %s "$out/$side-$z.img")
    rows+=("$side $z $wall $size $rss $load $cpu")
  done
done

report() {
  echo "corpus: $src ($src_files entries, $((src_bytes / 1000000)) MB apparent), runs: $runs, cores: $(nproc)"
  echo "erofs-utils: $(dpkg-query -W -f '${Version}' erofs-utils 2>/dev/null || echo unknown), load at start: $load0"
  printf '%-6s %-6s %9s %8s %13s %10s %6s %8s\n' writer comp wall_s cpu_s image_bytes rss_MB load MB/s
  for r in "${rows[@]}"; do
    read -r side z wall size rss load cpu <<< "$r"
    awk -v s="$side" -v z="$z" -v w="$wall" -v b="$size" -v r="$rss" -v l="$load" -v c="$cpu" -v src="$src_bytes" \
      'BEGIN {printf "%-6s %-6s %9.2f %8.2f %13d %10.1f %6.2f %8.1f\n", s, z, w, c, b, r/1024, l, src/1e6/w}'
  done
  echo "ratios ours/mkfs (all images passed fsck.erofs; ours identical across runs):"
  for z in "${config_list[@]}"; do
    local o m
    o=$(printf '%s\n' "${rows[@]}" | awk -v z="$z" '$1=="ours" && $2==z')
    m=$(printf '%s\n' "${rows[@]}" | awk -v z="$z" '$1=="mkfs" && $2==z')
    awk -v z="$z" -v o="$o" -v m="$m" 'BEGIN {split(o,a," "); split(m,b," ");
      printf "  %-6s size %.3fx  wall %.2fx  cpu %.2fx  rss %.2fx\n", z, a[4]/b[4], a[3]/b[3], a[7]/b[7], a[5]/b[5]}'
  done
  case ",$configs," in *,lz4hc,*)
    echo "goal (lz4hc): size <= 1.03x and wall <= 0.50x of mkfs.erofs -zlz4hc" ;;
  esac
}
report | tee "$results/erofs.txt"
