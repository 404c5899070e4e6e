#!/usr/bin/env bash
# Benchmark: `shed image materialize` of a realistic Debian image vs the anchor pipeline
# (`umoci unpack` + `mkfs.erofs -zlz4hc`) in the same run. Needs root, debootstrap, umoci, erofs-utils,
# /usr/bin/time and network access to the Debian mirror (first run only: the corpus is cached in bench/work/).
#
# Corpus: a debootstrap minbase bookworm rootfs put into umoci as three images, each one layer on top of the
# previous: base ⊂ extensions (apt-get install of common tools) ⊂ full (a toolchain, then deletions: docs, man
# pages, apt lists removed → whiteouts in the last layer).
#
# Usage: bench/materialize.sh [--compression lz4hc]   (prints a figures table; also bench/results/materialize.txt)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
work="$here/work"
results="$here/results"
mirror="${SHED_BENCH_MIRROR:-http://deb.debian.org/debian}"
compression="lz4hc"
[ "${1:-}" = "--compression" ] && compression="$2"
mkdir -p "$work" "$results"

source "$here/lib/debian-corpus.sh"

build_corpus

# --- measurements --------------------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { echo "bench: run as root (umoci unpack keeps owners only as root)" >&2; exit 1; }
shed="$repo/shed"
(cd "$repo" && mvn -q -B -DskipTests package >&2)
run="$work/run"
rm -rf "$run"; mkdir -p "$run"
export SHED_ROOT="$run/store"
"$shed" image load -i "$work/oci" --image full -t bench/full:latest >&2
layers_gz=$(python3 - "$work/oci" <<'PY'
import json,sys,os
lay=sys.argv[1]
idx=json.load(open(os.path.join(lay,"index.json")))
m=[d for d in idx["manifests"] if d.get("annotations",{}).get("org.opencontainers.image.ref.name")=="full"][0]
man=json.load(open(os.path.join(lay,"blobs/sha256",m["digest"].split(":")[1])))
print(sum(l["size"] for l in man["layers"]), len(man["layers"]))
PY
)
whiteouts=$(python3 - "$work/oci" <<'PY'
import json,sys,os,tarfile
lay=sys.argv[1]
idx=json.load(open(os.path.join(lay,"index.json")))
m=[d for d in idx["manifests"] if d.get("annotations",{}).get("org.opencontainers.image.ref.name")=="full"][0]
man=json.load(open(os.path.join(lay,"blobs/sha256",m["digest"].split(":")[1])))
last=os.path.join(lay,"blobs/sha256",man["layers"][-1]["digest"].split(":")[1])
print(sum(1 for n in tarfile.open(last).getnames() if os.path.basename(n).startswith(".wh.")))
PY
)

timed() { # timed NAME CMD... -> appends "NAME wall_s rss_kb" to $run/times
  local name="$1"; shift
  /usr/bin/time -v -o "$run/$name.time" "$@" >"$run/$name.out" 2>"$run/$name.err" || { cat "$run/$name.err" >&2; exit 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$run/$name.time" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$run/$name.time")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$run/$name.time")
  echo "$name $wall $rss $cpu" >> "$run/times"
}

sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
log "shed image materialize --compression $compression (java backend)"
timed shed "$shed" image materialize --quiet --compression "$compression" bench/full:latest
lower=$(cat "$run/shed.out")

sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
log "anchor: umoci unpack + mkfs.erofs -z$compression"
cat > "$run/anchor.sh" <<SH
#!/bin/sh
set -e
umoci unpack --image "$work/oci:full" "$run/bundle" >/dev/null
mkfs.erofs --quiet -z$compression "$run/anchor.erofs" "$run/bundle/rootfs"
SH
chmod +x "$run/anchor.sh"
timed anchor "$run/anchor.sh"

# the two images hold the same tree (kernel mount of both, compared with diff -r and stat)
mkdir -p "$run/m1" "$run/m2"
mount -t erofs -o loop,ro "$lower" "$run/m1"
mount -t erofs -o loop,ro "$run/anchor.erofs" "$run/m2"
same="yes"
diff -r --no-dereference "$run/m1" "$run/m2" >/dev/null 2>&1 || same="NO (diff -r differs)"
(cd "$run/m1" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | sort) > "$run/m1.list"
(cd "$run/m2" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | sort) > "$run/m2.list"
cmp -s "$run/m1.list" "$run/m2.list" || same="$same; metadata differs ($(diff "$run/m1.list" "$run/m2.list" | grep -c '^[<>]') lines, see $run/m*.list)"
entries=$(wc -l < "$run/m1.list")
umount "$run/m1" "$run/m2"

shed_size=$(stat -c %s "$lower")
anchor_size=$(stat -c %s "$run/anchor.erofs")
read -r _ shed_wall shed_rss shed_cpu < <(grep '^shed ' "$run/times")
read -r _ anchor_wall anchor_rss anchor_cpu < <(grep '^anchor ' "$run/times")
{
  echo "materialize benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, compression $compression)"
  echo "corpus: debootstrap bookworm minbase + 2 apt layers (umoci), full = ${layers_gz% *} bytes of gzip layers in ${layers_gz#* } layers, $whiteouts whiteouts in the last layer, $entries entries merged"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (wall times are only comparable on an idle machine; CPU = user+sys)"
  printf '%-36s %10s %10s %14s %12s\n' "" "wall (s)" "CPU (s)" "image (bytes)" "peak RSS (MiB)"
  printf '%-36s %10.2f %10.2f %14d %12.0f\n' "shed image materialize (java)" "$shed_wall" "$shed_cpu" "$shed_size" "$(echo "$shed_rss/1024" | bc -l)"
  printf '%-36s %10.2f %10.2f %14d %12.0f\n' "umoci unpack + mkfs.erofs (anchor)" "$anchor_wall" "$anchor_cpu" "$anchor_size" "$(echo "$anchor_rss/1024" | bc -l)"
  printf 'ratios shed/anchor: wall %.3f (goal <= 0.25), CPU %.3f, size %.4f (goal <= 1.03); shed peak RSS %.0f MiB (goal <= 300)\n' \
      "$(echo "$shed_wall/$anchor_wall" | bc -l)" "$(echo "$shed_cpu/$anchor_cpu" | bc -l)" "$(echo "$shed_size/$anchor_size" | bc -l)" "$(echo "$shed_rss/1024" | bc -l)"
  echo "same tree in both images (kernel mounts): $same"
} | tee "$results/materialize.txt"
rm -rf "$run/bundle"
