package dev.shed.core.shed;

import java.util.List;

/**
 * How a shed of runtime {@code vm} boots, fixed at {@code shed create}.
 *
 * @param upperSize bytes of its ext4 upper disk (a sparse file: only what the guest writes takes space)
 * @param publish   {@code HOSTPORT:GUESTPORT} forwards, bound to the host's 127.0.0.1
 * @param init      switch_root into the image's /sbin/init instead of shed's own init serving exec
 */
public record VmSpec(long upperSize, List<String> publish, boolean init) {
    public VmSpec {
        publish = List.copyOf(publish);
    }
}
