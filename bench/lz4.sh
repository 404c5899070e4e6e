#!/usr/bin/env bash
# Benchmark: shed's LZ4 destSize compressor vs liblz4's LZ4_compress_HC_destSize (the code mkfs.erofs runs) on one
# core, on the same files cut the same way (1 MiB segments, 4 KiB pclusters), at the same levels. Prints CPU
# seconds, MB/s and the number of 4 KiB blocks each produces, so speed and ratio are compared level for level
# without the rest of the image writer (I/O, metadata, JVM start) in the way.
#
# Corpus: the first MB megabytes of files > 4 KiB under DIR (default: the rootfs bench/erofs.sh uses).
# Needs gcc and liblz4-dev (apt-get install -y gcc liblz4-dev) for the reference side.
#
# Usage: bench/lz4.sh [--src DIR] [--mb MB] [--levels 6,9] [--runs 3]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
src="$here/work/full-bundle/rootfs"
mb=200
levels="6,9"
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --src) src="$2"; shift 2 ;;
    --mb) mb="$2"; shift 2 ;;
    --levels) levels="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -d "$src" ] || { echo "bench: no corpus at $src (run bench/erofs.sh once, or pass --src DIR)" >&2; exit 1; }
[ -f /usr/include/lz4hc.h ] || { echo "bench: missing liblz4-dev (apt-get install -y gcc liblz4-dev)" >&2; exit 1; }

out="$here/work/lz4"
mkdir -p "$out"
gcc -O2 -o "$out/liblz4-destsize" "$here/lz4/liblz4-destsize.c" -llz4
# Same file set and order on both sides: files in byte-wise sorted path order.
(cd "$src" && find . -type f | LC_ALL=C sort | sed "s|^\.|$src|") > "$out/files.txt"
(cd "$repo" && mvn -q -B -Dstyle.color=never -DskipTests compile -pl erofs)

echo "corpus: $src (first $mb MB of files > 4 KiB), runs: $runs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for level in ${levels//,/ }; do
  "$out/liblz4-destsize" "$level" "$mb" "$runs" < "$out/files.txt"
  (cd "$repo" && mvn -q -B -Dstyle.color=never test -pl erofs -Dtest=SegmentCompressorBenchTest -Dsurefire.failIfNoSpecifiedTests=false \
      -Dshed.bench.list="$out/files.txt" -Dshed.bench.mb="$mb" -Dshed.bench.level="$level" -Dshed.bench.runs="$runs" \
      | grep -o "level [0-9]*:.*" | sed "s/^/shed   /")
done
