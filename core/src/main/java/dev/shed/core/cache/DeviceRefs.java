package dev.shed.core.cache;

import dev.shed.core.oci.Digest;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which lowers use which data devices, from one listing of cache/: a device is referenced by every lower whose
 * record lists it. A device with no referencing lower is an orphan (its last lower was evicted, or a crash left
 * it); it goes on the next prune. A device used by two or more lowers is shared.
 */
public final class DeviceRefs {
    private final List<DataDevice> devices;
    private final Map<Path, Set<Digest>> users = new HashMap<>();

    public DeviceRefs(List<CachedLower> lowers, List<DataDevice> devices) {
        this.devices = List.copyOf(devices);
        for (DataDevice d : devices) users.put(d.path(), new LinkedHashSet<>());
        for (CachedLower l : lowers) {
            for (Path p : l.devices()) users.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(l.digest());
        }
    }

    public List<DataDevice> devices() {
        return devices;
    }

    /** The lowers whose records list {@code device} (empty: an orphan). */
    public Set<Digest> users(Path device) {
        return users.getOrDefault(device, Set.of());
    }

    public boolean shared(Path device) {
        return users(device).size() > 1;
    }

    /** Devices that no lower outside {@code evicted} uses: what evicting those lowers (and orphans) gives back. */
    public List<DataDevice> freedBy(Collection<Digest> evicted) {
        return devices.stream().filter(d -> evicted.containsAll(users(d.path()))).toList();
    }

    /** Bytes of {@code lower}'s devices that no other lower outside {@code gone} uses. */
    public long uniqueBytes(CachedLower lower, Collection<Digest> gone) {
        long n = 0;
        for (DataDevice d : devices) {
            Set<Digest> u = users(d.path());
            if (u.contains(lower.digest()) && u.stream().allMatch(m -> m.equals(lower.digest()) || gone.contains(m))) n += d.bytes();
        }
        return n;
    }
}
