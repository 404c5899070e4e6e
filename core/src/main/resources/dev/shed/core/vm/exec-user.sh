# shed exec, second half: runs inside the image's root (chrooted by nsenter, still root), by the initrd's busybox
# reached through /proc/1/root. Arguments: USER WHERE K=V... -- CMD ARGS...
#   USER  '' (root) or NAME|UID[:GROUP|:GID], resolved against the shed's own /etc/passwd and /etc/group, as
#         docker does: a number is a uid (it need not be in /etc/passwd), a name must be; the gid is the group's
#         or the user's; supplementary groups are the user's memberships (initgroups)
#   WHERE names the shed and image in error messages
#   K=V   the command's whole environment; HOME=the user's home is added when it has none
# The command is never run by bare name through busybox (which would pick its own applet of that name, e.g. ls):
# start-stop-daemon -a execs it with the C library's PATH search, keeping argv[0], after setting the identity.
spec=$1 where=$2
shift 2
bb=/proc/1/root/bin/busybox
fail() {
    echo "shed exec: $2" >&2
    exit "$1"
}

path= has_home= cmd= dd=
for a; do
    if [ -n "$dd" ]; then
        cmd=$a
        break
    fi
    case $a in
        --) dd=1 ;;
        PATH=*) path=${a#PATH=} ;;
        HOME=*) has_home=1 ;;
    esac
done

user=${spec%%:*} group=
case $spec in *:*) group=${spec#*:} ;; esac
case $user in
    '') entry=$(awk -F: '$3 == 0 { print $3 ":" $4 ":" $6; exit }' /etc/passwd 2> /dev/null) ;;
    *[!0-9]*) entry=$(awk -F: -v n="$user" '$1 == n { print $3 ":" $4 ":" $6; exit }' /etc/passwd 2> /dev/null)
        [ -n "$entry" ] || fail 126 "unable to find user $user: no matching entry in /etc/passwd of $where" ;;
    *) entry=$(awk -F: -v n="$user" '$3 == n { print $3 ":" $4 ":" $6; exit }' /etc/passwd 2> /dev/null) ;;
esac
uid=${user:-0} gid=0 home=/
[ "$uid" = 0 ] && home=/root
if [ -n "$entry" ]; then
    uid=${entry%%:*} rest=${entry#*:}
    gid=${rest%%:*} home=${rest#*:}
    [ -n "$home" ] || home=/
fi
case $group in
    '') ;;
    *[!0-9]*) gid=$(awk -F: -v n="$group" '$1 == n { print $3; exit }' /etc/group 2> /dev/null)
        [ -n "$gid" ] || fail 126 "unable to find group $group: no matching entry in /etc/group of $where" ;;
    *) gid=$group ;;
esac

found=$(PATH=$path which "$cmd" 2> /dev/null)
if [ -z "$found" ]; then
    case $cmd in
        */*) [ -e "$cmd" ] && fail 126 "$cmd: permission denied" ;;
    esac
    fail 127 "$cmd: executable file not found in PATH ($path)"
fi

# The environment, then how to become the user and run the command; env -i drops what this shell added (PWD...).
n=$# dd=
while [ "$n" -gt 0 ]; do
    a=$1
    shift
    n=$((n - 1))
    if [ -z "$dd" ] && [ "$a" = -- ]; then
        dd=1
        [ -n "$has_home" ] || set -- "$@" "HOME=$home"
        if [ -n "$entry" ]; then
            set -- "$@" "$bb" start-stop-daemon -S -n shed-exec-matches-no-process -c "$uid:$gid" -a "$cmd" --
        elif [ -z "$spec" ]; then
            set -- "$@" "$bb" start-stop-daemon -S -n shed-exec-matches-no-process -a "$cmd" --
        else # a uid without a passwd entry: no name to take groups from
            set -- "$@" "$bb" nsenter -S "$uid" -G "$gid" -F -- "$found"
        fi
        shift # the command, named above
        n=$((n - 1))
        continue
    fi
    set -- "$@" "$a"
done
exec "$bb" env -i "$@"
