#!/usr/bin/env bash
# Benchmark: shed image pull/push against skopeo copy, same image, same local registry, same run.
# Builds a ~250 MB (compressed) 3-layer image from host directories with umoci, pushes it to a local
# docker-registry with skopeo, then times (median of RUNS, fresh destination each run):
#   pull: shed image pull            vs  skopeo copy docker://… oci:…
#   push: shed image push (empty repo on a second registry) vs skopeo copy oci:… docker://… (empty repo)
# Usage: bench/pull-push.sh [RUNS]   (env LAYER_DIRS="d1 d2 d3" to change the content)
# A/B: SHED_BASELINE=/path/to/other/checkout/shed also times that launcher (e.g. a copy of main's `shed` and its
# cli/target/shed.jar) in every run, interleaved with this one (alternating which goes first), so both ratios to
# skopeo come from the same runs and the same load.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
work="$here/bench/work/pull-push"
layer_dirs=(${LAYER_DIRS:-/usr/lib/llvm-14 /usr/lib/gcc /usr/share/locale /usr/share/doc /usr/share/man})
for t in umoci skopeo docker-registry java; do command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 1; }; done

rm -rf "$work"; mkdir -p "$work"
(cd "$here" && mvn -q -B -DskipTests package >&2)
shed=("$here/shed")
"${shed[@]}" --version >/dev/null # builds the launcher's class-data archive outside the timed runs
base=(); [ -z "${SHED_BASELINE:-}" ] || { base=("$SHED_BASELINE"); "${base[@]}" --version >/dev/null; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start_registry() { # dir -> sets $reg_host (no subshell, so the pid is remembered for cleanup)
  local dir=$1 port; port=$(free_port); rm -rf "$dir"; mkdir -p "$dir"
  cat > "$dir/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $dir/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port}
YML
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 & pids+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
  reg_host="127.0.0.1:$port"
}
stop_last_registry() { kill "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }
start_registry "$work/reg-src"; src=$reg_host

echo "== building image from: ${layer_dirs[*]}" >&2
layout="$work/layout"
umoci init --layout "$layout"; umoci new --image "$layout:img"
# three layers: first dir, second dir, the rest together
umoci insert --image "$layout:img" "${layer_dirs[0]}" /l0${layer_dirs[0]}
umoci insert --image "$layout:img" "${layer_dirs[1]}" /l1${layer_dirs[1]}
rest="$work/rest"; mkdir -p "$rest"
for d in "${layer_dirs[@]:2}"; do mkdir -p "$rest$(dirname "$d")"; cp -a "$d" "$rest$d"; done
umoci insert --image "$layout:img" "$rest" /l2
skopeo copy --quiet --dest-tls-verify=false "oci:$layout:img" "docker://$src/bench/img:1"
size=$(du -sb "$work/reg-src/data" | cut -f1)
echo "image in registry: $((size / 1000000)) MB" >&2

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_it CMD...: prints "WALL CPU" (seconds; CPU = user + system of the command and its children)
time_it() { local f; f=$(mktemp); /usr/bin/time -f '%e %U %S' -o "$f" "$@" >/dev/null; awk '{printf "%s %.2f\n", $1, $2 + $3}' "$f"; rm -f "$f"; }
wall() { cut -d' ' -f1; }
cpu() { cut -d' ' -f2; }

# shed fsyncs every blob before it becomes visible (crash safety); skopeo's oci: destination does not, so
# "skopeo+sync" (skopeo copy followed by sync) is reported too as the like-for-like durable figure.
skopeo_copy_sync=(bash -c 'skopeo "$@" && sync' skopeo-sync)
sync
shed_pull=(); skopeo_pull=(); skopeo_pull_sync=(); shed_push=(); skopeo_push=(); base_pull=(); base_push=()
# pull_with LAUNCHER... -> appends to the named array (fresh store each time)
pull_with() { local -n into=$1; shift; rm -rf "$work/shed-root"; sync; into+=("$(time_it "$@" --root "$work/shed-root" image pull -q "$src/bench/img:1")"); }
push_with() { # LAUNCHER... : to a fresh, empty registry; checks the digest there
  local -n into=$1; shift
  start_registry "$work/reg-dst"; dst=$reg_host
  into+=("$(time_it "$@" --root "$work/shed-root" image push -q "$src/bench/img:1" "$dst/shed/img:1")")
  a=$(skopeo inspect --raw --tls-verify=false "docker://$src/bench/img:1" | sha256sum | cut -c1-64)
  b=$(skopeo inspect --raw --tls-verify=false "docker://$dst/shed/img:1" | sha256sum | cut -c1-64)
  [ "$a" = "$b" ] || { echo "digest mismatch after shed push: $a vs $b" >&2; exit 1; }
  stop_last_registry
}
for i in $(seq "$runs"); do
  rm -rf "$work/skopeo-oci" "$work/skopeo-oci2"
  if [ ${#base[@]} -gt 0 ] && [ $((i % 2)) -eq 0 ]; then pull_with base_pull "${base[@]}"; push_with base_push "${base[@]}"; fi
  pull_with shed_pull "${shed[@]}"
  skopeo_pull+=("$(time_it skopeo copy --quiet --src-tls-verify=false "docker://$src/bench/img:1" "oci:$work/skopeo-oci:img")")
  sync
  skopeo_pull_sync+=("$(time_it "${skopeo_copy_sync[@]}" copy --quiet --src-tls-verify=false "docker://$src/bench/img:1" "oci:$work/skopeo-oci2:img")")
  # pushes go to a fresh, empty registry each time so neither tool can mount or skip blobs
  push_with shed_push "${shed[@]}"
  if [ ${#base[@]} -gt 0 ] && [ $((i % 2)) -eq 1 ]; then pull_with base_pull "${base[@]}"; push_with base_push "${base[@]}"; fi
  start_registry "$work/reg-dst"; dst=$reg_host
  skopeo_push+=("$(time_it skopeo copy --quiet --dest-tls-verify=false "oci:$work/skopeo-oci:img" "docker://$dst/skopeo/img:1")")
  stop_last_registry
  echo "run $i (wall cpu): pull shed ${shed_pull[-1]} skopeo ${skopeo_pull[-1]} skopeo+sync ${skopeo_pull_sync[-1]}; push shed ${shed_push[-1]} skopeo ${skopeo_push[-1]}${base:+; baseline pull ${base_pull[-1]} push ${base_push[-1]}}; load $(cut -d' ' -f1 /proc/loadavg)" >&2
done

m() { printf '%s\n' "$@" | "$FIELD" | median; }
FIELD=wall; sp=$(m "${shed_pull[@]}"); kp=$(m "${skopeo_pull[@]}"); ks=$(m "${skopeo_pull_sync[@]}"); su=$(m "${shed_push[@]}"); ku=$(m "${skopeo_push[@]}")
FIELD=cpu; cp_s=$(m "${shed_pull[@]}"); cp_k=$(m "${skopeo_pull[@]}"); cu_s=$(m "${shed_push[@]}"); cu_k=$(m "${skopeo_push[@]}")
printf 'image: %d MB compressed, 3 layers, %d runs (median), load average at end: %s\n' "$((size / 1000000))" "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'pull: shed %.2fs  skopeo %.2fs  ratio %.2fx (goal <= 1.0x)   CPU shed %.2fs skopeo %.2fs\n' "$sp" "$kp" "$(echo "$sp / $kp" | bc -l)" "$cp_s" "$cp_k"
printf 'pull: shed %.2fs  skopeo+sync %.2fs  ratio %.2fx (both durable on disk)\n' "$sp" "$ks" "$(echo "$sp / $ks" | bc -l)"
printf 'push: shed %.2fs  skopeo %.2fs  ratio %.2fx   CPU shed %.2fs skopeo %.2fs\n' "$su" "$ku" "$(echo "$su / $ku" | bc -l)" "$cu_s" "$cu_k"
if [ ${#base[@]} -gt 0 ]; then
  FIELD=wall; bp=$(m "${base_pull[@]}"); bu=$(m "${base_push[@]}"); FIELD=cpu; cb_p=$(m "${base_pull[@]}"); cb_u=$(m "${base_push[@]}")
  printf 'baseline %s: pull %.2fs ratio %.2fx CPU %.2fs; push %.2fs ratio %.2fx CPU %.2fs\n' "$SHED_BASELINE" "$bp" "$(echo "$bp / $kp" | bc -l)" "$cb_p" "$bu" "$(echo "$bu / $ku" | bc -l)" "$cb_u"
fi
