#!/usr/bin/env bash
# Benchmark: shared lowers (per-layer data devices + per-manifest metadata image, docs/shared-lowers.md) against
# flat lowers, on the Debian base ⊂ extensions ⊂ full corpus of bench/materialize.sh (built once, cached in
# bench/work/), side by side in one run. Needs root (loop mounts, drop_caches), umoci, erofs-utils; first run also
# debootstrap and the Debian mirror.
#
# Measures (issue 12's goal table):
#   disk       blobs + cache/ with base, extensions and full all materialized / merged tree of full
#   incr       materialize full after extensions is materialized (shared) / flat materialize of full
#   meta       re-materialize full whose data devices all exist (metadata only) / flat materialize of full; and
#              the floor under it, a materialize with nothing to build (JVM start, CLI, record check)
#   cold       materialize full on an empty cache, shared / flat; and the disk of that one image alone
#   read       read every file of the mounted tree, cold page cache (tar -cf - . | wc -c; not -f /dev/null,
#              which GNU tar short-cuts without reading data), shared / flat
#   tags       ten tags, each a new top layer over the shared base: disk added per tag (blob + device + metadata
#              image) / (the layer's blob + its files as a flat image of their own)
#   anchor     flat materialize of full / upstream shed's pipeline: shed image export | mkfs.erofs --tar=f
#              -zlz4hc --workers=2 (erofs-utils 1.9.3 at /opt/erofs-utils-1.9) — must stay <= 0.87
#
# Usage: bench/shared.sh [--compression lz4hc] [--skip-tags | --only-tags]   (figures also in bench/results/shared.txt)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
work="$here/work"
results="$here/results"
mirror="${SHED_BENCH_MIRROR:-http://deb.debian.org/debian}"
compression="lz4hc"
tags=10
only_tags=0
while [ $# -gt 0 ]; do
  case "$1" in
    --compression) compression="$2"; shift 2 ;;
    --skip-tags) tags=0; shift ;;
    --only-tags) only_tags=1; shift ;;
    *) echo "usage: $0 [--compression none|lz4|lz4hc] [--skip-tags|--only-tags]" >&2; exit 2 ;;
  esac
done
mkdir -p "$work" "$results"
source "$here/lib/debian-corpus.sh"
build_corpus
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 1; }
mkfs19=/opt/erofs-utils-1.9/bin/mkfs.erofs

shed="$repo/shed"
(cd "$repo" && mvn -q -B -DskipTests package >&2)
run="$work/shared-run"
cleanup() {
  for m in "$run"/mnt-*; do mountpoint -q "$m" 2>/dev/null && umount "$m"; done
  for l in $(losetup -j "$run" -n -O NAME 2>/dev/null); do losetup -d "$l" 2>/dev/null || true; done
  for f in "$run"/store-*/cache/layers/sha256/*.erofsdev "$run"/store-*/cache/sha256/*.erofs; do
    [ -e "$f" ] || continue
    for l in $(losetup -j "$f" -n -O NAME 2>/dev/null); do losetup -d "$l" 2>/dev/null || true; done
  done
}
trap cleanup EXIT
rm -rf "$run"; mkdir -p "$run"

drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
note() { echo "$*" | tee -a "$run/figures" >&2; }   # raw figures as they come (kept if a later step fails)
secs() { # secs CMD... -> wall seconds on stdout; command output to $run/last.*
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$run/last.out" 2>"$run/last.err" || { cat "$run/last.err" >&2; exit 1; }
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
store() { # store NAME: a fresh store with the three corpus images
  local s="$run/store-$1"
  for img in base extensions full; do SHED_ROOT="$s" "$shed" image load -i "$work/oci" --image "$img" -t "bench/$img" >&2; done
  echo "$s"
}
mat() { # mat STORE LAYOUT IMAGE
  SHED_ROOT="$1" "$shed" image materialize --quiet --compression "$compression" --layout "$2" "bench/$3"
}
bytes() { du -s -B1 --apparent-size "$@" | awk '{s+=$1} END {print s+0}'; }
disk() { bytes "$1/blobs" "$1/cache"; }
# mount_lower STORE LAYOUT IMAGE DIR: mounts read-only (data devices and the image each on a loop device)
mount_lower() {
  local out opts meta
  out=$(SHED_ROOT="$1" "$shed" image materialize --quiet --compression "$compression" --layout "$2" "bench/$3")
  meta=$(echo "$out" | sed -n 1p)
  opts="ro"
  while read -r dev; do
    [ -n "$dev" ] && opts="$opts,device=$(losetup -r -f --show "$dev")"
  done < <(echo "$out" | sed -n '2,$p')
  mkdir -p "$4"
  mount -t erofs -o "$opts" "$(losetup -r -f --show "$meta")" "$4"
}
umount_lower() { # unmount, then detach every loop device backed by a file of this run
  umount "$1"
  local l
  for l in $(losetup -n -O NAME,BACK-FILE -l 2>/dev/null | awk -v r="$run/" 'index($2, r) == 1 {print $1}'); do
    losetup -d "$l" 2>/dev/null || true
  done
}
read_all() { (cd "$1" && tar -cf - . | wc -c) >/dev/null; }

if [ "$only_tags" = 0 ]; then
log "cold materialize of full: flat, then shared (empty caches)"
flat=$(store flat)
drop; t_flat=$(secs mat "$flat" flat full)
shared_cold=$(store cold)
drop; t_cold=$(secs mat "$shared_cold" shared full)
note "cold: flat $t_flat s, shared $t_cold s"
# one image alone (the default-layout question): the same blobs, and full's lower flat vs shared
single_flat=$(bytes "$flat/cache")
single_shared=$(bytes "$shared_cold/cache")
blobs_single=$(bytes "$flat/blobs")
note "single image: blobs $blobs_single, cache flat $single_flat, shared $single_shared"

log "disk and incremental: shared store, base then extensions then full"
shared=$(store shared)
mat "$shared" shared base >/dev/null
mat "$shared" shared extensions >/dev/null
drop; t_incr=$(secs mat "$shared" shared full)
mat "$flat" flat base >/dev/null
mat "$flat" flat extensions >/dev/null
disk_shared=$(disk "$shared")
disk_flat=$(disk "$flat")
blobs=$(bytes "$shared/blobs")
devices=$(bytes "$shared"/cache/layers/sha256/*.erofsdev)
indexes=$(bytes "$shared"/cache/layers/sha256/*.idx)
metas=$(bytes "$shared"/cache/sha256/*.erofs)
note "incremental full: $t_incr s; disk shared $disk_shared flat $disk_flat; blobs $blobs devices $devices indexes $indexes metas $metas"

log "metadata only: full again, its devices all present"
full_hex=$(SHED_ROOT="$shared" "$shed" image materialize --quiet --layout shared --compression "$compression" --format json bench/full \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"].split(":")[1])')
rm -f "$shared/cache/sha256/$full_hex.erofs" "$shared/cache/sha256/$full_hex.erofs.json"
drop; t_meta=$(secs mat "$shared" shared full)
meta_full=$(stat -c %s "$shared/cache/sha256/$full_hex.erofs")
rm -f "$shared/cache/sha256/$full_hex.erofs" "$shared/cache/sha256/$full_hex.erofs.json"
t_meta_warm=$(secs mat "$shared" shared full)   # page cache warm (JVM, jar, indexes), as on a working host
t_reuse=$(secs mat "$shared" shared full)       # the floor under it: JVM, CLI, record check, nothing built
note "metadata only: $t_meta s cold cache, $t_meta_warm s warm, image $meta_full; reuse (nothing to build) $t_reuse s"

log "read every file, cold cache: flat and shared mounts of full"
mount_lower "$flat" flat full "$run/mnt-flat"
mount_lower "$shared" shared full "$run/mnt-shared"
tree=$(bytes "$run/mnt-flat")
entries=$(find "$run/mnt-flat" | wc -l)
same=yes
(cd "$run/mnt-flat" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | sort) > "$run/flat.list"
(cd "$run/mnt-shared" && find . -printf '%p %y %m %U %G %s %T@ %l\n' | sort) > "$run/shared.list"
cmp -s "$run/flat.list" "$run/shared.list" || same="NO (metadata differs, see $run/*.list)"
diff -r --no-dereference "$run/mnt-flat" "$run/mnt-shared" >/dev/null 2>&1 || same="NO (contents differ)"
drop; t_read_flat=$(secs read_all "$run/mnt-flat")
drop; t_read_shared=$(secs read_all "$run/mnt-shared")
drop; t_read_flat2=$(secs read_all "$run/mnt-flat")
drop; t_read_shared2=$(secs read_all "$run/mnt-shared")
umount_lower "$run/mnt-flat"
umount_lower "$run/mnt-shared"
note "read: flat $t_read_flat $t_read_flat2 s, shared $t_read_shared $t_read_shared2 s; tree $tree; same $same"

log "anchor: shed image export | mkfs.erofs 1.9.3 --tar=f -z$compression --workers=2"
anchor_ratio="n/a (no $mkfs19)"
if [ -x "$mkfs19" ]; then
  z="-z$compression"; [ "$compression" = none ] && z=""
  drop; t_anchor=$(secs sh -c "SHED_ROOT='$flat' '$shed' image export -o - bench/full | '$mkfs19' --quiet --tar=f $z --workers=2 '$run/anchor.erofs'")
  anchor_ratio=$(printf '%.3f (%.1f s vs %.1f s)' "$(echo "$t_flat/$t_anchor" | bc -l)" "$t_flat" "$t_anchor")
  rm -f "$run/anchor.erofs"
  note "anchor: $anchor_ratio"
fi

fi

tag_line="skipped"
if [ "$tags" -gt 0 ]; then
  log "ten tags over the shared base: each a new top layer (an app directory with one file changed per tag)"
  oci="$run/tags-oci"
  cp -a "$work/oci" "$oci"
  app="$run/app"; mkdir -p "$app"
  [ -n "${flat:-}" ] || { flat=$(store flat); mat "$flat" flat full >/dev/null; }
  mount_lower "$flat" flat full "$run/mnt-app"
  cp -a "$run/mnt-app/usr/lib/python3.11" "$app/python3"    # a realistic app payload: Python's stdlib (~tens of MB)
  umount_lower "$run/mnt-app"
  note "tag payload: $(du -sh "$app" | cut -f1) in $(find "$app" -type f | wc -l) files"
  tstore="$run/store-tags"
  SHED_ROOT="$tstore" "$shed" image load -i "$oci" --image base -t bench/base >&2
  mat "$tstore" shared base >/dev/null
  added_sum=0; floor_sum=0
  for i in $(seq 1 "$tags"); do
    echo "build $i" > "$app/python3/BUILD"
    umoci tag --image "$oci:base" "tag$i"
    umoci insert --image "$oci:tag$i" "$app" /opt/app >/dev/null
    before=$(disk "$tstore")
    SHED_ROOT="$tstore" "$shed" image load -i "$oci" --image "tag$i" -t "bench/tag$i" >&2
    mat "$tstore" shared "tag$i" >/dev/null
    after=$(disk "$tstore")
    # the floor: the layer blob, plus the layer's files as their own flat image
    layer_tar="$run/layer$i.tar"
    SHED_ROOT="$tstore" "$shed" image inspect "bench/tag$i" > "$run/tag$i.json"
    top=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["layers"][-1]["digest"].split(":")[1] if isinstance(d["layers"][-1],dict) else d["layers"][-1].split(":")[1])' "$run/tag$i.json")
    blob=$(stat -c %s "$tstore/blobs/sha256/$top")
    "$shed" erofs build -z "$compression" "$tstore/blobs/sha256/$top" "$run/alone.erofs" >/dev/null
    alone=$(stat -c %s "$run/alone.erofs")
    added_sum=$((added_sum + after - before)); floor_sum=$((floor_sum + blob + alone))
    note "tag $i: added $((after - before)), blob $blob, alone $alone"
  done
  tag_line=$(printf '%.3f (goal <= 1.15): %d tags added %d bytes, floor %d' "$(echo "$added_sum/$floor_sum" | bc -l)" "$tags" "$added_sum" "$floor_sum")
fi
if [ "$only_tags" = 1 ]; then
  echo "ten tags over a shared base, disk added / layer floor: $tag_line" | tee "$results/shared-tags.txt"
  exit 0
fi

{
  echo "shared lowers benchmark ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, compression $compression, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "corpus: Debian bookworm base ⊂ extensions ⊂ full (bench/materialize.sh); full: $entries entries, tree $tree bytes"
  printf 'disk (base+extensions+full) / tree of full:  shared %.3f (goal <= 1.20)   flat %.3f\n' \
      "$(echo "$disk_shared/$tree" | bc -l)" "$(echo "$disk_flat/$tree" | bc -l)"
  printf '  shared store: blobs %d, data devices %d, indexes %d, metadata images %d (full: %d)\n' \
      "$blobs" "$devices" "$indexes" "$metas" "$meta_full"
  printf 'incremental full after extensions / flat full: %.3f (goal <= 0.55)   %.1f s vs %.1f s\n' "$(echo "$t_incr/$t_flat" | bc -l)" "$t_incr" "$t_flat"
  printf 'metadata only / flat full:                     %.3f cold cache, %.3f warm (goal <= 0.10)   %.2f s, %.2f s\n' \
      "$(echo "$t_meta/$t_flat" | bc -l)" "$(echo "$t_meta_warm/$t_flat" | bc -l)" "$t_meta" "$t_meta_warm"
  printf '  floor: shed image materialize with nothing to build (JVM, CLI, record check) / flat full: %.3f   %.2f s\n' \
      "$(echo "$t_reuse/$t_flat" | bc -l)" "$t_reuse"
  printf 'cold full, shared / flat:                      %.3f (goal <= 1.2)    %.1f s\n' "$(echo "$t_cold/$t_flat" | bc -l)" "$t_cold"
  printf 'one image alone (full), disk blobs + cache, shared / flat:  %.3f   cache %d vs %d bytes (blobs %d)\n' \
      "$(echo "($blobs_single + $single_shared)/($blobs_single + $single_flat)" | bc -l)" "$single_shared" "$single_flat" "$blobs_single"
  printf 'read all (tar), cold cache, shared / flat:     %.3f, %.3f (goal <= 1.2)   %.2f s vs %.2f s; %.2f s vs %.2f s\n' \
      "$(echo "$t_read_shared/$t_read_flat" | bc -l)" "$(echo "$t_read_shared2/$t_read_flat2" | bc -l)" \
      "$t_read_shared" "$t_read_flat" "$t_read_shared2" "$t_read_flat2"
  echo "ten tags over a shared base, disk added / layer floor: $tag_line"
  echo "flat materialize / (export | mkfs.erofs 1.9.3 --tar=f --workers=2): $anchor_ratio (goal <= 0.87)"
  echo "same tree on both mounts: $same"
} | tee "$results/shared.txt"
