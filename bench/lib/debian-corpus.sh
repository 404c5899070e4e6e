# Shared by bench/materialize.sh and bench/shared.sh: the Debian base ⊂ extensions ⊂ full corpus, built once into
# $work/oci (umoci layout, tags base, extensions, full) and cached there (marker $work/corpus.done).
# Needs: $work, $mirror set by the caller; root, debootstrap, umoci, network access to the mirror on first use.
log() { echo "bench: $*" >&2; }

chroot_run() {
  local root="$1"; shift
  mount -t proc proc "$root/proc"
  mount --bind /dev "$root/dev"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
  local rc=0
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@" || rc=$?
  rm -f "$root/usr/sbin/policy-rc.d"
  umount "$root/dev" "$root/proc"
  return $rc
}

build_corpus() {
  [ -f "$work/corpus.done" ] && return 0
  log "building corpus in $work (debootstrap from $mirror; takes a few minutes once)"
  rm -rf "$work/rootfs" "$work/oci" "$work/bundle"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >&2
  umoci init --layout "$work/oci"
  umoci new --image "$work/oci:empty"
  umoci unpack --image "$work/oci:empty" "$work/bundle" >&2
  rmdir "$work/bundle/rootfs" 2>/dev/null || rm -rf "$work/bundle/rootfs"
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb
  mv "$work/rootfs" "$work/bundle/rootfs"
  umoci repack --refresh-bundle --image "$work/oci:base" "$work/bundle" >&2

  chroot_run "$work/bundle/rootfs" apt-get install -y --no-install-recommends \
      ca-certificates curl git less openssh-client procps vim-tiny wget xz-utils bzip2 unzip zip jq \
      python3 python3-venv sudo iproute2 iputils-ping netcat-openbsd file >&2
  chroot_run "$work/bundle/rootfs" apt-get clean
  umoci repack --refresh-bundle --image "$work/oci:extensions" "$work/bundle" >&2

  chroot_run "$work/bundle/rootfs" apt-get install -y --no-install-recommends \
      build-essential gdb cmake pkg-config python3-dev perl libssl-dev >&2
  chroot_run "$work/bundle/rootfs" apt-get clean
  # deletions: these become whiteouts in the last layer
  rm -rf "$work/bundle/rootfs/usr/share/doc" "$work/bundle/rootfs/usr/share/man" \
         "$work/bundle/rootfs/var/lib/apt/lists" "$work/bundle/rootfs/usr/share/locale"
  umoci repack --image "$work/oci:full" "$work/bundle" >&2
  rm -rf "$work/bundle"
  touch "$work/corpus.done"
}

