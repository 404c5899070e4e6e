#!/usr/bin/env bash
# Benchmark: `shed start` → first successful `shed exec NAME -- true` (two shed commands, JVM start-ups included)
# against a bare QEMU boot of the same kernel and the same initrd straight to a busybox shell that powers off
# (`rdinit=/bin/busybox -- sh -c ...`: no modules, no disks, no overlay, no exec channel; the same machine and the
# same kernel parameters as shed's, cryptomgr.notests included), interleaved in the same
# run. The ratio shed/bare is shed's overhead (goal ≤ 1.15x). With a shed that supports shared lowers
# (`materialize.layout shared`), a second shed on a shared lower of the same image is timed too.
#
# Image: a busybox rootfs (host /bin/busybox, a few applets). Kernel: $SHED_TEST_KERNEL, else the Debian cloud
# kernel .ci/run unpacks into /var/cache/shed-test-kernel. Needs qemu-system-x86, busybox-static, e2fsprogs.
# KVM when /dev/kvm works, else TCG (slow, noisy on a shared machine: read the ratio).
#
# Then a breakdown of shed's path (medians): the guest's phases from the init's "shed-init: t=UPTIME PHASE"
# console lines (guest clock, from the kernel's start), the host's from the QEMU process's start time and the
# wall clock. "QEMU + kernel unpack + READY→host" is what neither clock sees: QEMU's set-up and daemonize, the
# kernel decompressing itself before its clock starts, and the READY line reaching shed start.
#
# Usage: bench/boot.sh [-n RUNS]    prints the tables; also bench/results/boot.txt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
results="$here/results"
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
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
hz=$(getconf CLK_TCK)
# host uptime (s) when process PID started
started() { awk -v hz="$hz" '{ sub(/^.*\) /, ""); print $20 / hz }' "/proc/$1/stat"; }
# the guest init's phase marks of the last boot of shed $1, as "phase=uptime ..."
marks() { grep -ao 'shed-init: t=[0-9.]* [a-z]*' "$root/shed/sheds/$1/vm/console.log" | awk '{ sub(/t=/, "", $2); printf "%s=%s ", $3, $2 }'; }
declare -A phases
bare() {
  qemu-system-x86_64 -M microvm,pit=on,pic=on,rtc=on -nodefaults -no-user-config -display none -no-reboot -smp 1 -m 256M \
    -accel "$accel" -kernel "$kernel" -initrd "$initrd" -serial null \
    -append "console=ttyS0 panic=-1 reboot=t quiet cryptomgr.notests $timer rdinit=/bin/busybox -- sh -c \"/bin/busybox reboot -f\""
}
declare -A times
for ((i = 0; i < runs; i++)); do
  t0=$(now); bare; t1=$(now)
  times[bare]+="$(echo "$t1 - $t0" | bc) "
  for k in "${kinds[@]}"; do
    read -r u0 _ < /proc/uptime
    t0=$(now); shed start "$k" >/dev/null 2>&1; read -r u1 _ < /proc/uptime; shed exec "$k" -- true; t1=$(now)
    read -r u2 _ < /proc/uptime
    times[$k]+="$(echo "$t1 - $t0" | bc) "
    q=$(started "$(cat "$root/shed/sheds/$k/vm/qemu.pid")")
    phases[$k]+="$(marks "$k")qemu=$(echo "$q - $u0" | bc) started=$(echo "$u1 - $u0" | bc) exec=$(echo "$u2 - $u1" | bc);"
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
  for k in "${kinds[@]}"; do
    echo
    echo "shed start + exec true ($k lower), medians of $runs runs (s); guest clock from its kernel's start"
    echo "${phases[$k]}" | tr ';' '\n' | grep . | awk '
      function med(name,   n, i, j, t, v) { n = 0; for (i = 1; i <= runs; i++) v[++n] = d[i, name]
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
        return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
      { runs++; for (f = 1; f <= NF; f++) { split($f, kv, "="); m[runs, kv[1]] = kv[2] }
        r = runs
        d[r, "host: launcher + JVM + shed before QEMU"] = m[r, "qemu"]
        d[r, "QEMU + kernel unpack + READY->host"] = m[r, "started"] - m[r, "qemu"] - m[r, "ready"]
        d[r, "guest: kernel -> init"] = m[r, "init"]
        d[r, "guest: modules (insmod)"] = m[r, "modules"] - m[r, "init"]
        d[r, "guest: lower (erofs mount)"] = m[r, "lower"] - m[r, "modules"]
        d[r, "guest: upper + overlay"] = m[r, "upper"] - m[r, "lower"]
        d[r, "guest: ports"] = m[r, "ports"] - m[r, "upper"]
        d[r, "guest: ports -> READY"] = m[r, "ready"] - m[r, "ports"]
        d[r, "shed exec -- true"] = m[r, "exec"]
        d[r, "total (host clock)"] = m[r, "started"] + m[r, "exec"] }
      END { split("host: launcher + JVM + shed before QEMU|QEMU + kernel unpack + READY->host|guest: kernel -> init|guest: modules (insmod)|guest: lower (erofs mount)|guest: upper + overlay|guest: ports|guest: ports -> READY|shed exec -- true|total (host clock)", rows, "|")
        for (i = 1; i <= 10; i++) printf "  %-42s %6.2f\n", rows[i], med(rows[i]) }'
  done
} | tee "$results/boot.txt"
