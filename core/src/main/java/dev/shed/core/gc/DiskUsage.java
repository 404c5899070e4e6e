package dev.shed.core.gc;

import dev.shed.core.cache.CachedLower;
import dev.shed.core.cache.DataDevice;
import dev.shed.core.cache.DeviceRefs;
import dev.shed.core.cache.Lowers;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.ShedCatalog;
import dev.shed.core.store.FileTrees;
import dev.shed.core.store.NamedImage;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code shed image df}: where the store's disk goes, measured from the files (apparent sizes, as
 * {@code du -b}), and what each prune mode would give back (computed by {@link Pruner#plan}, the code prune
 * itself runs).
 */
public final class DiskUsage {
    private final Store store;
    private final ShedCatalog catalog;
    private final Lowers lowers;

    public DiskUsage(Store store, ShedCatalog catalog, Lowers lowers) {
        this.store = store;
        this.catalog = catalog;
        this.lowers = lowers;
    }

    /**
     * One named image. {@code bytes} = its blobs (index, manifests, configs, layers), split into bytes it shares
     * with another named image and bytes only it holds.
     */
    public record ImageUsage(String name, Digest digest, long bytes, long sharedBytes, long uniqueBytes,
                             int inUse, int manifests, int cachedManifests) {}

    /**
     * One cached lower: which images name its manifest, how many sheds/snapshots pin it, whether it is mounted.
     * {@code bytes} = its own image and record (a shared lower's metadata image; a flat lower's whole tree). A
     * shared lower also reads its data devices: {@code sharedBytes} = those another cached lower uses too,
     * {@code uniqueBytes} = those only it uses (what evicting it alone would also give back).
     */
    public record LowerUsage(Digest manifest, List<String> images, long bytes, boolean current, int pins,
                             boolean running, Instant lastUsed, String layout, List<Path> devices, long sharedBytes,
                             long uniqueBytes) {}

    /**
     * One data device: the lowers whose records list it (two or more: shared; none: an orphan the next prune
     * removes), whether a mounted lower has it attached.
     */
    public record DeviceUsage(Digest layer, String key, Path path, long bytes, List<Digest> lowers, boolean inUse) {
        public boolean shared() {
            return lowers.size() > 1;
        }
    }

    public record Report(long blobCount, long blobBytes, long layerCount, long layerBytes, List<ImageUsage> images,
                         List<LowerUsage> lowers, List<DeviceUsage> devices, long legacyExt4Count, long legacyExt4Bytes,
                         long tempCount, long tempBytes, Map<String, PrunePlan> reclaimable) {
        public long lowerBytes() {
            return lowers.stream().mapToLong(LowerUsage::bytes).sum();
        }

        public long deviceBytes() {
            return devices.stream().mapToLong(DeviceUsage::bytes).sum();
        }

        /** Devices two or more lowers use. */
        public long sharedDeviceCount() {
            return devices.stream().filter(DeviceUsage::shared).count();
        }

        /** Bytes of devices two or more lowers use. */
        public long sharedDeviceBytes() {
            return devices.stream().filter(DeviceUsage::shared).mapToLong(DeviceUsage::bytes).sum();
        }
    }

    public Report measure() throws IOException {
        ImageGraph graph = new ImageGraph(store);
        Map<Digest, Long> blobSizes = new LinkedHashMap<>();
        for (Digest d : store.blobs().list()) blobSizes.put(d, Pruner.sizeOrZero(store.blobs().path(d)));
        long blobBytes = blobSizes.values().stream().mapToLong(Long::longValue).sum();

        List<NamedImage> named = store.names().list();
        Map<String, Set<Digest>> closures = new LinkedHashMap<>();
        Map<Digest, Integer> holders = new HashMap<>();
        for (NamedImage n : named) {
            Set<Digest> c = graph.closure(n.target());
            closures.put(n.name(), c);
            for (Digest d : c) holders.merge(d, 1, Integer::sum);
        }
        Set<Digest> reachable = Pruner.reachable(store, catalog, graph);
        long layerCount = 0;
        long layerBytes = 0;
        for (Digest d : reachable) {
            ImageGraph.Node node = graph.get(d);
            if (node != null && node.role() == ImageGraph.Role.LAYER && blobSizes.containsKey(d)) {
                layerCount++;
                layerBytes += blobSizes.get(d);
            }
        }

        Map<Digest, Integer> pins = new HashMap<>();
        for (var s : catalog.sheds()) pins.merge(s.manifest(), 1, Integer::sum);
        for (var s : catalog.snapshots()) pins.merge(s.manifest(), 1, Integer::sum);

        List<ImageUsage> images = new ArrayList<>();
        Map<Digest, List<String>> namesByManifest = new HashMap<>();
        for (NamedImage n : named) {
            long total = 0;
            long shared = 0;
            int inUse = 0;
            int manifests = 0;
            int cached = 0;
            for (Digest d : closures.get(n.name())) {
                long size = blobSizes.getOrDefault(d, 0L);
                total += size;
                if (holders.get(d) > 1) shared += size;
                ImageGraph.Node node = graph.get(d);
                if (node != null && node.role() == ImageGraph.Role.MANIFEST && node.present()) {
                    manifests++;
                    if (lowers.isCached(d)) cached++;
                    inUse += pins.getOrDefault(d, 0);
                    namesByManifest.computeIfAbsent(d, k -> new ArrayList<>()).add(n.name());
                }
            }
            images.add(new ImageUsage(n.name(), n.target().digest(), total, shared, total - shared, inUse, manifests, cached));
        }

        Set<Digest> running = catalog.running();
        List<CachedLower> cached = lowers.list();
        DeviceRefs refs = new DeviceRefs(cached, lowers.devices());
        Map<Path, Long> deviceBytes = new HashMap<>();
        for (DataDevice d : refs.devices()) deviceBytes.put(d.path(), d.bytes());
        List<LowerUsage> lowerRows = new ArrayList<>();
        long legacyCount = 0;
        long legacyBytes = 0;
        for (CachedLower l : cached) {
            if (l.kind() == CachedLower.Kind.LEGACY_EXT4) {
                legacyCount++;
                legacyBytes += l.bytes();
                continue;
            }
            long shared = 0;
            long unique = 0;
            for (Path dev : l.devices()) {
                long b = deviceBytes.getOrDefault(dev, 0L);
                if (refs.shared(dev)) shared += b;
                else unique += b;
            }
            String layout = lowers.record(l.digest()).map(r -> r.layout()).orElse("unknown");
            lowerRows.add(new LowerUsage(l.digest(), namesByManifest.getOrDefault(l.digest(), List.of()), l.bytes(),
                    lowers.isCached(l.digest()), pins.getOrDefault(l.digest(), 0), running.contains(l.digest()), l.lastUsed(),
                    layout, l.devices(), shared, unique));
        }
        Predicate<DataDevice> inUse = lowers.devicesInUse();
        List<DeviceUsage> deviceRows = new ArrayList<>();
        for (DataDevice d : refs.devices()) {
            deviceRows.add(new DeviceUsage(d.layer(), d.key(), d.path(), d.bytes(), List.copyOf(refs.users(d.path())),
                    inUse.test(d)));
        }

        long tempCount = 0;
        long tempBytes = 0;
        for (Path dir : List.of(store.layout().ingestDir(), store.layout().tmpDir())) {
            for (Path f : regularFiles(store, dir)) {
                tempCount++;
                tempBytes += Pruner.sizeOrZero(f);
            }
        }

        Pruner pruner = new Pruner(store, catalog, lowers);
        Map<String, PrunePlan> reclaimable = new LinkedHashMap<>();
        for (PruneOptions o : List.of(PruneOptions.DEFAULT, new PruneOptions(false, true, false),
                new PruneOptions(false, false, true), new PruneOptions(true, false, false))) {
            reclaimable.put(o.describe(), pruner.plan(o));
        }
        return new Report(blobSizes.size(), blobBytes, layerCount, layerBytes, images, lowerRows, deviceRows, legacyCount,
                legacyBytes, tempCount, tempBytes, reclaimable);
    }

    /** Regular files under a store directory; a symlink in its place is an error, links inside are not followed. */
    private static List<Path> regularFiles(Store store, Path dir) throws IOException {
        if (!StoreDirs.exists(store.layout(), dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(StoreDirs::isRegularFile).toList();
        }
    }


}
