#!/bin/busybox sh
# shed's guest init (PID 1 of the initrd shed writes). Kernel command line:
#   shed.mode=exec|init|verify  exec: stay PID 1 and serve `shed exec`; init: switch_root into the image's
#                               /sbin/init; verify: list the lower for `shed image verify --boot`, then power off
#   shed.devices=N              data devices of a shared lower (disks shed-dev0..N-1, mounted in table order)
#   shed.upper=0|1              whether disk shed-upper (ext4) is the overlay's upper
#   shed.net=0|1                bring up eth0 for QEMU user-mode networking
# Disks are found by their virtio serial, ports by their virtio-serial name; neither depends on probe order.
export PATH=/bin
/bin/busybox mount -t proc proc /proc
# Boot phases on the console, "shed-init: t=UPTIME PHASE" (bench/boot.sh tabulates them); builtins only, no fork.
mark() { read -r up idle_ < /proc/uptime; echo "shed-init: t=${up} $1" > /dev/console; }
mark init
/bin/busybox --install -s /bin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /run /lower /upper /newroot

say() { echo "shed-init: $*" > /dev/console; }
# An error ends the boot: one line the host quotes, then reset (QEMU runs with -no-reboot, so it exits).
fail() {
    echo "shed-init: error: $*" > /dev/console
    sync
    reboot -f
    sleep 10
}

MODE=exec NDEV=0 UPPER=0 NET=0
read -r cmdline < /proc/cmdline
for w in $cmdline; do
    case "$w" in
        shed.mode=*) MODE=${w#*=} ;;
        shed.devices=*) NDEV=${w#*=} ;;
        shed.upper=*) UPPER=${w#*=} ;;
        shed.net=*) NET=${w#*=} ;;
    esac
done

if [ -f /shed/modules.order ]; then
    while read -r m; do
        [ -n "$m" ] || continue
        insmod "/shed/modules/$m.ko" 2> /run/insmod.err || fail "insmod $m: $(cat /run/insmod.err)"
    done < /shed/modules.order
fi
mark modules

# Sets NODE to the /dev node of the sysfs entry under GLOB whose ATTR file reads NAME (disks by serial, ports by
# name). Builtins only: under TCG every fork costs milliseconds, and these run in wait loops.
sysfs_node() {
    for e in $1; do
        v=
        read -r v < "$e/$2" 2> /dev/null
        [ "$v" = "$3" ] && { NODE="/dev/${e##*/}"; return 0; }
    done
    return 1
}
disk() { sysfs_node '/sys/block/vd*' serial "$1"; }
port() { sysfs_node '/sys/class/virtio-ports/*' name "$1"; }
# Sleeps SECONDS without a fork: a read with a timeout on a FIFO nobody writes (opened read-write: no blocking open).
mkfifo /run/nap
nap() { read -r -t "$1" nap_ <> /run/nap; }
# Waits up to ~20 s for LOOKUP NAME to find its node, then sets NODE (the kernel probes devices while init runs).
await() {
    i=0
    while ! "$1" "$2"; do
        i=$((i + 1))
        [ $i -gt 2000 ] && fail "$1 $2 did not appear (is $3 in the guest kernel?)"
        nap 0.01
    done
}
wait_disk() { await disk "$1" virtio_blk; }
wait_port() { await port "$1" virtio_console; }
# The kernel's own words for a failed mount: the last matching line of its log.
kernel_says() { dmesg | grep -i "$1" | tail -n 1 | sed 's/^\[[^]]*\] //'; }

wait_disk shed-lower
LOWER=$NODE
opts=ro
d=0
while [ $d -lt "$NDEV" ]; do
    wait_disk "shed-dev$d"
    opts="$opts,device=$NODE"
    d=$((d + 1))
done
mount -t erofs -o "$opts" "$LOWER" /lower 2> /run/mount.err \
    || fail "mount erofs lower: $(cat /run/mount.err) $(kernel_says erofs)"
mark lower

if [ "$MODE" = verify ]; then
    wait_port shed.stat; STAT=$NODE; wait_port shed.sum; SUM=$NODE; wait_port shed.xattr; XATTR=$NODE
    cd /lower || fail "cd /lower"
    export QUOTING_STYLE=literal
    find . -exec /shed/tools/stat --printf='%n\0%f\0%u\0%g\0%s\0%.9Y\0%t\0%T\0%h\0%i\0%N\0' {} + > "$STAT" 2> /run/list.err \
        || fail "listing the lower: $(tail -n 1 /run/list.err)"
    find . -type f -exec /shed/tools/sha256sum -z {} + > "$SUM" 2> /run/list.err \
        || fail "hashing the lower: $(tail -n 1 /run/list.err)"
    find . -exec /shed/tools/getfattr -h -d -m - -e hex --absolute-names {} + > "$XATTR" 2> /run/list.err
    cd /
    sync
    say "listed"
    reboot -f
    sleep 10
fi

if [ "$UPPER" = 1 ]; then
    wait_disk shed-upper
    mount -t ext4 "$NODE" /upper 2> /run/mount.err || fail "mount ext4 upper: $(cat /run/mount.err) $(kernel_says ext4)"
    [ -d /upper/upper ] && [ -d /upper/work ] || mkdir -p /upper/upper /upper/work
    mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/upper,workdir=/upper/work /newroot 2> /run/mount.err \
        || fail "mount overlay: $(cat /run/mount.err) $(kernel_says overlay)"
else
    mount --bind /lower /newroot || fail "bind lower"
fi

# What every process in the image expects to find.
for fs in proc sys dev; do
    [ -d "/newroot/$fs" ] || mkdir "/newroot/$fs" 2> /dev/null
done
mount -t proc proc /newroot/proc 2> /dev/null
mount -t sysfs sysfs /newroot/sys 2> /dev/null
mount --bind /dev /newroot/dev 2> /dev/null
mark upper

ip link set lo up 2> /dev/null
if [ "$NET" = 1 ]; then
    ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2 \
        || fail "network: eth0 did not come up (is virtio_net in the guest kernel?)"
fi

if [ "$MODE" = init ]; then
    [ -x /newroot/sbin/init ] || [ -L /newroot/sbin/init ] || fail "--init: the image has no /sbin/init"
    umount /newroot/proc /newroot/sys /newroot/dev 2> /dev/null
    mount --move /dev /newroot/dev 2> /dev/null
    exec switch_root /newroot /sbin/init
fi

wait_port shed.ctl; CTL=$NODE; wait_port shed.out; OUT=$NODE; wait_port shed.err; ERR=$NODE
# shed exec -i: the host's stdin on shed.in; -t: a terminal, shed.tty being a virtconsole (the guest's /dev/hvc0).
wait_port shed.in; IN=$NODE; wait_port shed.tty; TTY_PORT=$NODE
mark ports
exec 3<> "$CTL" 4> "$OUT" 5> "$ERR"
# debugfs tells whether the host is attached to a port (virtio-ports/vportNpM: host_connected).
mount -t debugfs debugfs /sys/kernel/debug 2> /dev/null
mark ready
# Blocks until the host connects: `shed start` waits for this line.
echo "READY" >&3

# A shell on the console for `shed console`: the image's own when it has one (started once the host knows the
# guest is up: under TCG -smp 1 its start-up would delay READY).
(
    while true; do
        if [ -x /newroot/bin/sh ]; then
            setsid cttyhack nsenter -r/newroot -w/newroot -F /bin/sh -l
        else
            setsid cttyhack sh -l
        fi
        sleep 1
    done
) 3<&- 4>&- 5>&- &

poweroff_now() {
    kill -TERM -1 2> /dev/null
    sleep 1
    kill -KILL -1 2> /dev/null
    umount /newroot/proc /newroot/sys /newroot/dev 2> /dev/null
    umount /newroot 2> /dev/null
    mount -o remount,ro /upper 2> /dev/null
    umount /upper 2> /dev/null
    sync
    echo "D $1 0" >&3
    reboot -f
    sleep 10
}

# One request's I/O around /run/request.sh, as FLAGS ask: "t" a terminal, "i" the host's stdin, else stdin
# /dev/null with stdout and stderr on their ports. Returns the command's exit code (126: the I/O could not be set up).
run_request() {
    case "$2" in
        *t*)
            tty_attach "$1" || return 126
            # the command leads a new session with the terminal as its controlling tty (job control, ^C)
            setsid -c sh /run/request.sh <&7 >&7 2>&7 3<&- 4>&- 5>&- 7>&- &
            pid=$!
            # meanwhile the control port brings "W NONCE ROWS COLS" when the host's window changes (setting the
            # size sends the command SIGWINCH), and EOF when the host went away: the session is hung up, as a
            # terminal's would be, rather than left running with no one to type
            (
                while read -r w n rows cols; do
                    [ "$w $n" = "W $1" ] && stty -F /dev/hvc0 rows "$rows" cols "$cols" 2> /dev/null
                done
                kill -HUP "$pid" 2> /dev/null
            ) <&3 4>&- 5>&- 7>&- &
            watch=$!
            wait "$pid"
            rc=$?
            kill "$watch" 2> /dev/null
            wait "$watch"
            exec 7>&-
            # the session's leader exited, so the kernel hung its terminal up (it is no pty): every open file of
            # it is dead now, and the end mark takes a fresh one
            printf '\000\000%s' "$1" > /dev/hvc0
            return $rc
            ;;
        *i*)
            stdin_attach "$1" || return 126
            (. /run/request.sh) <&6 >&4 2>&5 3<&- 6<&-
            rc=$?
            exec 6<&- # unread input is dropped with the port's last close, so it never reaches a later call
            return $rc
            ;;
        *)
            (. /run/request.sh) < /dev/null >&4 2>&5 3<&-
            ;;
    esac
}

# Opens shed.in as fd 6, past NONCE, which the host sends first. Reads see EOF until the host's connection has
# reached the guest, so they are retried until NONCE has arrived (~10 s at most); after it, the host's stdin and
# its EOF (the host shuts its side down) are the command's.
stdin_attach() {
    if ! command exec 6< "$IN"; then
        echo "shed-init: cannot open the stdin port (a process from an earlier shed exec -i still holds it?)" >&5
        return 1
    fi
    got= i=0
    while [ ${#got} -lt ${#1} ]; do
        part=
        if ! IFS= read -r -n $((${#1} - ${#got})) part <&6; then
            i=$((i + 1))
            [ $i -gt 500 ] && break
            sleep 0.02
        fi
        got=$got$part
    done
    [ "$got" = "$1" ] && return 0
    echo "shed-init: the host's stdin did not arrive" >&5
    exec 6<&-
    return 1
}

# Opens the terminal as fd 7 and marks the start of this call's output on it with NUL NUL NONCE. A console port drops
# what the guest writes while no host is attached, so this waits (~10 s at most) until the host is.
tty_attach() {
    i=0
    until grep -q '^host_connected: 1' "/sys/kernel/debug/virtio-ports/${TTY_PORT##*/}" 2> /dev/null; do
        i=$((i + 1))
        if [ $i -gt 500 ]; then
            echo "shed-init: the host did not attach to the terminal" >&5
            return 1
        fi
        sleep 0.02
    done
    if ! command exec 7<> /dev/hvc0; then
        echo "shed-init: cannot open the terminal /dev/hvc0" >&5
        return 1
    fi
    printf '\000\000%s' "$1" >&7
}

# Requests, one line each: "X NONCE BASE64-SCRIPT [FLAGS]" runs a command; "P NONCE" powers off. A command's stdout and
# stderr go to their own ports, each framed by NONCE before and after, and its exit code comes back as
# "D NONCE CODE" on the control port. The host reconnects per call; while nobody is connected reads see EOF.
while true; do
    # A guest write blocks until a host connects, so this empty line (the host skips lines it does not expect)
    # waits for the next client without polling; a read with nobody connected returns EOF at once.
    echo >&3
    if ! read -r cmd nonce payload <&3; then
        nap 0.01
        continue
    fi
    case "$cmd" in
        X)
            flags=
            case "$payload" in *" "*) flags=${payload#* } payload=${payload%% *} ;; esac
            echo "$payload" | base64 -d > /run/request.sh 2> /dev/null || { echo "D $nonce 126" >&3; continue; }
            printf '%s' "$nonce" >&4
            printf '%s' "$nonce" >&5
            run_request "$nonce" "$flags"
            rc=$?
            printf '%s' "$nonce" >&4
            printf '%s' "$nonce" >&5
            echo "D $nonce $rc" >&3
            ;;
        P)
            poweroff_now "$nonce"
            ;;
        *)
            ;;
    esac
done
