#!/usr/bin/env bash
# Benchmark: `shed start` → first successful `shed exec NAME -- true` (two shed commands, JVM start-ups included)
# against a bare QEMU boot of the same kernel and the same initrd straight to a busybox shell that powers off
# (`rdinit=/bin/busybox -- sh -c ...`: no modules, no disks, no overlay, no exec channel), interleaved in the same
# run. The ratio shed/bare is shed's overhead (goal ≤ 1.15x). With a shed that supports shared lowers
# (`materialize.layout shared`), a second shed on a shared lower of the same image is timed too.
#
# Image: a busybox rootfs (host /bin/busybox, a few applets). Kernel: $SHED_TEST_KERNEL, else the Debian cloud
# kernel .ci/run unpacks into /var/cache/shed-test-kernel. Needs qemu-system-x86, busybox-static, e2fsprogs.
# KVM when /dev/kvm works, else TCG (slow, noisy on a shared machine: read the ratio).
#
# Usage: bench/boot.sh [-n RUNS]    prints a table; also bench/results/boot.txt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
results="$here/results"
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
kernel="${SHED_TEST_KERNEL:-$(ls /var/cache/shed-test-kernel/boot/vmlinuz-* 2>/dev/null | head -n 1)}"
[ -n "$kernel" ] && [ -f "$kernel" ] || { echo "bench: no guest kernel (set SHED_TEST_KERNEL or run .ci/run)" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "bench: qemu-system-x86_64 missing (apt-get install qemu-system-x86)" >&2; exit 2; }

work="$(mktemp -d /tmp/shed-bench-boot.XXXXXX)"
root="$work/store"
shed() { "$repo/shed" --root "$root" "$@"; }
cleanup() {
  for k in flat shared; do shed stop "$k" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp"
cp /bin/busybox "$work/rootfs/bin/"
for a in sh true cat ls echo; do ln -s busybox "$work/rootfs/bin/$a"; done
shed image import "$work/rootfs" --tag bench-bb >/dev/null 2>&1
shed config set vm.kernel "$kernel"
shed create flat --image bench-bb --runtime vm --upper-size 256M >/dev/null 2>&1
kinds=(flat)
if shed config set materialize.layout shared >/dev/null 2>&1; then
  shed create shared --image bench-bb --runtime vm --upper-size 256M >/dev/null 2>&1 && kinds+=(shared)
  shed config unset materialize.layout >/dev/null
fi

# first boot writes and caches the initrd: not timed
shed start flat >/dev/null
shed stop flat >/dev/null
initrd="$(ls -t "$root"/shed/vm/initrd/*.cpio.gz | head -n 1)"
accel=tcg
timer="tsc_early_khz=2000000 lpj=4000000 no_timer_check"
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then accel=kvm; timer=""; fi

now() { date +%s.%N; }
bare() {
  qemu-system-x86_64 -M microvm,pit=on,pic=on,rtc=on -nodefaults -no-user-config -display none -no-reboot -smp 1 -m 256M \
    -accel "$accel" -kernel "$kernel" -initrd "$initrd" -serial null \
    -append "console=ttyS0 panic=-1 reboot=t quiet $timer rdinit=/bin/busybox -- sh -c \"/bin/busybox reboot -f\""
}
declare -A times
for ((i = 0; i < runs; i++)); do
  t0=$(now); bare; t1=$(now)
  times[bare]+="$(echo "$t1 - $t0" | bc) "
  for k in "${kinds[@]}"; do
    t0=$(now); shed start "$k" >/dev/null 2>&1; shed exec "$k" -- true; t1=$(now)
    times[$k]+="$(echo "$t1 - $t0" | bc) "
    shed stop "$k" >/dev/null
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mkdir -p "$results"
{
  echo "bench/boot.sh: $runs interleaved runs, accel $accel, kernel $(basename "$kernel"), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-34s %10s %8s   %s\n' "boot" "median s" "x bare" "all runs (s)"
  b=$(echo "${times[bare]}" | median)
  printf '%-34s %10.2f %8s   %s\n' "bare QEMU: kernel+initrd to a shell" "$b" "1.00" "${times[bare]}"
  for k in "${kinds[@]}"; do
    m=$(echo "${times[$k]}" | median)
    printf '%-34s %10.2f %8.2f   %s\n' "shed start + exec true ($k lower)" "$m" "$(echo "$m / $b" | bc -l)" "${times[$k]}"
  done
} | tee "$results/boot.txt"
