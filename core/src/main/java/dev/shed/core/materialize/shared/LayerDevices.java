package dev.shed.core.materialize.shared;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.layer.LayerReader;
import dev.shed.core.oci.Digest;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.AtomicFiles;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreDirs;
import dev.shed.core.store.StoreLayout;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ErofsOptions;
import dev.shed.erofs.ErofsWriter;
import dev.shed.erofs.ExternalData;
import dev.shed.erofs.device.DataDeviceWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The data devices of shared lowers: per layer digest and build parameters, {@code cache/layers/sha256/
 * <layer-hex>.<key>.erofsdev} (every regular file of the layer, compressed as shed's writer does) and its
 * {@link LayerIndex} {@code ….erofsdev.idx}. Built once under the lock {@code layerdev-<layer-hex>.<key>} (so two
 * materializations sharing a layer build it once), in shed/tmp, fsynced and renamed into place, the device first
 * and then the index: an index only ever describes a complete device. Missing devices of one manifest are built
 * in parallel (layers are independent).
 */
public final class LayerDevices {
    /** Bumped when a device's bytes or its index's meaning change for the same layer and parameters. */
    static final int DEVICE_FORMAT = 1;

    /** A layer's data device in the store: the files, and how many blocks the device has. */
    public record Device(Digest layer, Path path, Path index, long blocks) {}

    private final Store store;
    private final ErofsOptions options;
    private final String key;
    private final Progress progress;
    /** Indexes read (and checked) by this instance, so a build reads each once. */
    private final Map<Digest, LayerIndex> loaded = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param options the writer options every device is built with (uuid and build time are not used) */
    public LayerDevices(Store store, ErofsOptions options, Progress progress) {
        this.store = store;
        this.options = options;
        this.key = key(options);
        this.progress = progress == null ? Progress.NONE : progress;
    }

    /**
     * A short stable name for the parameters a device's bytes depend on: writer output version, device format,
     * compression, level and pcluster size. Part of each device's file name.
     */
    public static String key(ErofsOptions o) {
        String spec = "erofsdev|" + ErofsWriter.OUTPUT_VERSION + "|" + DEVICE_FORMAT + "|" + LayerIndex.VERSION + "|"
                + o.compression() + "|" + o.compressorLevel() + "|" + o.pclusterSize();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(spec.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String key() {
        return key;
    }

    /** The lock that serialises building (and, for the lifecycle, deleting) one data device. */
    public static String lockName(Digest layer, String key) {
        return "layerdev-" + layer.hex() + "." + key;
    }

    /** The layer's device if it and its index are complete and current; null otherwise. Reads the whole index. */
    public Device current(Digest layer) throws IOException {
        StoreLayout layout = store.layout();
        Path dev = layout.layerDevice(layer, key);
        LayerIndex index = LayerIndex.read(layout.layerDeviceIndex(layer, key), layer, key);
        if (index == null) return null;
        try {
            if (Files.size(dev) != index.deviceBlocks() * 4096) return null;
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
        loaded.put(layer, index);
        return new Device(layer, dev, layout.layerDeviceIndex(layer, key), index.deviceBlocks());
    }

    /** The index of a device returned by {@link #current} or {@link #ensure}. */
    public LayerIndex index(Device d) throws IOException {
        LayerIndex index = loaded.get(d.layer());
        if (index != null) return index;
        index = LayerIndex.read(d.index(), d.layer(), key);
        if (index == null) throw new IOException("index of layer " + d.layer() + " vanished or changed: " + d.index());
        return index;
    }

    /**
     * The devices of {@code layers} (one per distinct layer, in first-use order), building the missing ones, in
     * parallel up to the number of cores. A missing device whose layer blob is not in the store is an error.
     */
    public Map<Digest, Device> ensure(List<LayerBlob> layers) throws IOException {
        Map<Digest, LayerBlob> distinct = new LinkedHashMap<>();
        for (LayerBlob l : layers) distinct.putIfAbsent(l.digest(), l);
        Map<Digest, Device> out = new LinkedHashMap<>();
        List<LayerBlob> missing = new ArrayList<>();
        for (LayerBlob l : distinct.values()) {
            Device d = current(l.digest());
            if (d != null) out.put(l.digest(), d);
            else missing.add(l);
        }
        if (!missing.isEmpty()) {
            missing.sort(Comparator.comparingLong((LayerBlob l) -> l.descriptor().size()).reversed());
            int parallel = Math.min(missing.size(), Math.max(1, Runtime.getRuntime().availableProcessors()));
            ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
                Thread t = new Thread(r, "layer-device");
                t.setDaemon(true);
                return t;
            });
            try {
                Map<Digest, Future<Device>> built = new LinkedHashMap<>();
                for (LayerBlob l : missing) built.put(l.digest(), pool.submit(() -> ensureOne(l)));
                for (var e : built.entrySet()) out.put(e.getKey(), await(e.getValue()));
            } finally {
                pool.shutdownNow();
            }
        }
        Map<Digest, Device> ordered = new LinkedHashMap<>();
        for (Digest d : distinct.keySet()) ordered.put(d, out.get(d));
        return ordered;
    }

    private static Device await(Future<Device> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while building data devices");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof UncheckedIOException u) throw u.getCause();
            if (c instanceof RuntimeException r) throw r;
            throw new IOException("building a data device failed", c);
        }
    }

    /** Builds one layer's device under its lock, unless another process finished it meanwhile. */
    private Device ensureOne(LayerBlob layer) throws IOException {
        try (FileLocks.Held lock = store.locks().exclusive(lockName(layer.digest(), key))) {
            Device d = current(layer.digest());
            if (d != null) return d;
            if (!store.blobs().exists(layer.digest())) {
                throw new IOException("layer " + layer.digest() + " is not in the store and has no data device (pull the image again)");
            }
            return build(layer);
        }
    }

    private Device build(LayerBlob layer) throws IOException {
        StoreLayout layout = store.layout();
        StoreDirs.ensure(layout, layout.tmpDir());            // never through a symlink (StoreDirs)
        StoreDirs.ensure(layout, layout.layerDevicesDir());
        String id = lockName(layer.digest(), key) + "-" + UUID.randomUUID();
        Path tmpDev = layout.tmpDir().resolve(id + ".erofsdev");
        Path tmpIdx = layout.tmpDir().resolve(id + ".erofsdev.idx");
        Progress.Task task = progress.start(layer.digest().shortHex(), "Building data device", layer.descriptor().size());
        try {
            List<LayerIndex.Entry> entries = new ArrayList<>();
            List<Integer> fileNumbers = new ArrayList<>();
            DataDeviceWriter w = DataDeviceWriter.create(tmpDev, options);
            try (w; LayerReader r = LayerReader.open(layer, task::advance)) {
                ErofsEntry e;
                while ((e = r.next()) != null) {
                    int file = e.type() == EntryType.FILE ? w.add(e, r.data()) : -1;
                    entries.add(new LayerIndex.Entry(r.currentName(), e, null));
                    fileNumbers.add(file);
                }
            }
            List<ExternalData> placed = w.placements();
            List<LayerIndex.Entry> complete = new ArrayList<>(entries.size());
            for (int i = 0; i < entries.size(); i++) {
                LayerIndex.Entry x = entries.get(i);
                int f = fileNumbers.get(i);
                complete.add(f < 0 ? x : new LayerIndex.Entry(x.tarName(), x.entry(), placed.get(f)));
            }
            byte[] index = LayerIndex.encode(layer.digest(), key, w.blocks(), complete, complete.size());
            writeSynced(tmpIdx, index);
            Path dev = layout.layerDevice(layer.digest(), key);
            Path idx = layout.layerDeviceIndex(layer.digest(), key);
            StoreDirs.setMode(tmpDev, StoreDirs.READ_ONLY_MODE);   // 0444 whatever the umask, like lowers and blobs
            StoreDirs.setMode(tmpIdx, StoreDirs.READ_ONLY_MODE);
            Files.deleteIfExists(idx);           // an old index never vouches for the new device
            AtomicFiles.move(tmpDev, dev);       // the device is complete and synced (DataDeviceWriter.close)
            AtomicFiles.move(tmpIdx, idx);       // only now is it current
            loaded.put(layer.digest(), LayerIndex.parse(index, layer.digest(), key));   // what was written, not read back
            task.finish("Device built");
            return new Device(layer.digest(), dev, idx, w.blocks());
        } finally {
            Files.deleteIfExists(tmpDev);
            Files.deleteIfExists(tmpIdx);
        }
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
    }
}
