# shed exec, second half: runs inside the image's root (chrooted by nsenter, still root), by the initrd's busybox
# reached through /proc/1/root. Arguments: USER WHERE K=V... -- CMD ARGS...
#   USER  '' (root) or NAME|UID[:GROUP|:GID], resolved against the shed's own /etc/passwd and /etc/group, as
#         docker does: a number is a uid (it need not be in /etc/passwd), a name must be; the gid is the group's
#         or the user's; supplementary groups are the user's memberships (initgroups)
#   WHERE names the shed and image in error messages
#   K=V   the command's whole environment; HOME=the user's home is added when it has none
# The command is never run by bare name through busybox (which would pick its own applet of that name, e.g. ls):
# start-stop-daemon -a execs it with the C library's PATH search, keeping argv[0], after setting the identity.
# Only shell builtins until the final exec: under TCG every fork or exec costs milliseconds of each call.
spec=$1 where=$2
shift 2
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

# A decimal number without its leading zeros (a uid "0100" is 100, as docker parses it), or '' if $1 is none.
number() {
    case $1 in
        '' | *[!0-9]*) num= ;;
        *) num=${1#"${1%%[!0]*}"} num=${num:-0} ;;
    esac
}

# entry=UID:GID:HOME of the first /etc/passwd line whose name ($1 = name) or uid ($1 = uid) is $2, else ''.
find_user() {
    local name pw id gid gecos dir rest want
    entry=
    number "$2"
    want=$num
    while IFS=: read -r name pw id gid gecos dir rest || [ -n "$name" ]; do
        if [ "$1" = name ]; then
            [ "$name" = "$2" ] || continue
        else
            number "$id"
            [ -n "$num" ] && [ "$num" = "$want" ] || continue
        fi
        entry=$id:$gid:$dir
        return
    done < /etc/passwd
} 2> /dev/null

# gid=the gid of the first /etc/group line named $1, else ''.
find_group() {
    local name pw id rest
    gid=
    while IFS=: read -r name pw id rest || [ -n "$name" ]; do
        if [ "$name" = "$1" ]; then
            gid=$id
            return
        fi
    done < /etc/group
} 2> /dev/null

user=${spec%%:*} group=
case $spec in *:*) group=${spec#*:} ;; esac
case $user in
    '') find_user uid 0 ;;
    *[!0-9]*) find_user name "$user"
        [ -n "$entry" ] || fail 126 "unable to find user $user: no matching entry in /etc/passwd of $where" ;;
    *) find_user uid "$user" ;;
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
    *[!0-9]*) find_group "$group"
        [ -n "$gid" ] || fail 126 "unable to find group $group: no matching entry in /etc/group of $where" ;;
    *) gid=$group ;;
esac

# CMD along PATH as busybox `which` finds it: a regular file root may execute; an empty element is the working
# directory; a name with a slash is taken as it is. (`command -v` would name busybox's applet of that name.)
found=
case $cmd in
    */*) [ -f "$cmd" ] && [ -x "$cmd" ] && found=$cmd ;;
    *)
        rest=$path:
        while [ -n "$rest" ]; do
            dir=${rest%%:*} rest=${rest#*:}
            case $dir in
                '') file=./$cmd ;;
                */) file=$dir$cmd ;;
                *) file=$dir/$cmd ;;
            esac
            if [ -f "$file" ] && [ -x "$file" ]; then
                found=$file
                break
            fi
        done
        ;;
esac
if [ -z "$found" ]; then
    case $cmd in
        */*) [ -e "$cmd" ] && fail 126 "$cmd: permission denied" ;;
    esac
    fail 127 "$cmd: executable file not found in PATH ($path)"
fi

# The environment, then how to become the user and run the command. `env` runs inside this shell (a no-exec applet
# of the standalone shell), -i dropping what the shell added (PWD...); it re-executes busybox once as
# start-stop-daemon (or nsenter), which execs the command. The pid file that does not exist spares
# start-stop-daemon its scan of /proc for a running instance.
n=$# dd=
while [ "$n" -gt 0 ]; do
    a=$1
    shift
    n=$((n - 1))
    if [ -z "$dd" ] && [ "$a" = -- ]; then
        dd=1
        [ -n "$has_home" ] || set -- "$@" "HOME=$home"
        if [ -n "$entry" ]; then
            set -- "$@" start-stop-daemon -S -p /proc/shed-exec-no-pidfile -c "$uid:$gid" -a "$cmd" --
        elif [ -z "$spec" ]; then
            set -- "$@" start-stop-daemon -S -p /proc/shed-exec-no-pidfile -a "$cmd" --
        else # a uid without a passwd entry: no name to take groups from
            set -- "$@" nsenter -S "$uid" -G "$gid" -F -- "$found"
        fi
        shift # the command, named above
        n=$((n - 1))
        continue
    fi
    set -- "$@" "$a"
done
exec env -i "$@"
