package dev.shed.core.materialize.shared;

import dev.shed.core.flatten.FlattenSink;
import dev.shed.core.flatten.Flattener;
import dev.shed.core.flatten.LayerEntries;
import dev.shed.core.layer.LayerBlob;
import dev.shed.core.oci.Digest;
import dev.shed.core.progress.Progress;
import dev.shed.erofs.DeviceSlot;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ErofsOptions;
import dev.shed.erofs.ErofsWriter;
import dev.shed.erofs.ExternalData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a shared lower's metadata image: the usual merge ({@link Flattener}, every rule) fed from the layers'
 * indexes instead of their tars, into shed's EROFS writer with each file added as external data on its layer's
 * device. Reads no file data and compresses nothing. The device table lists the layers' devices that hold any
 * data, each once, in manifest order (oldest layer first): that is the mount order.
 */
public final class MetadataImageBuilder {
    /** Names this builder's output in lower records ("shared/1"); bumped when the image changes for the same input. */
    public static final String FORMAT = "shared/1";

    private final LayerDevices devices;

    public MetadataImageBuilder(LayerDevices devices) {
        this.devices = devices;
    }

    /**
     * Builds the image of {@code layers} (oldest first) over {@code byLayer} (from {@link LayerDevices#ensure}) into
     * {@code out}; returns the devices in device-table order.
     */
    public List<LayerDevices.Device> build(List<LayerBlob> layers, Map<Digest, LayerDevices.Device> byLayer, Path out,
                                           ErofsOptions options, Progress progress) throws IOException {
        List<LayerDevices.Device> table = new ArrayList<>();
        Map<Digest, Integer> slots = new HashMap<>();
        Map<Digest, LayerIndex> indexes = new HashMap<>();
        for (LayerDevices.Device d : byLayer.values()) {
            indexes.put(d.layer(), devices.index(d));
            if (d.blocks() > 0) {
                slots.put(d.layer(), table.size());
                table.add(d);
            }
        }
        try (ErofsWriter writer = ErofsWriter.create(out, options)) {
            for (LayerDevices.Device d : table) writer.addDevice(new DeviceSlot(d.layer().hex(), d.blocks()));
            LayerEntries.Opener opener = (layer, counter) -> {
                LayerIndex index = indexes.get(layer.digest());
                if (index == null) throw new IOException("no data device for layer " + layer.digest());
                return new IndexEntries(index, slots.getOrDefault(layer.digest(), 0));
            };
            new Flattener(progress, opener).flatten(layers, new ExternalSink(writer));
        }
        return table;
    }

    /** A layer's entries read from its index; files are handed over as their placement on the layer's device. */
    private static final class IndexEntries implements LayerEntries {
        private final LayerIndex.Cursor cursor;

        IndexEntries(LayerIndex index, int slot) {
            this.cursor = index.entries(slot);
        }

        @Override
        public ErofsEntry next() throws IOException {
            return cursor.next();
        }

        @Override
        public String currentName() {
            try {
                return cursor.tarName();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void sendFile(FlattenSink sink, ErofsEntry as) throws IOException {
            sink.add(as, cursor.placement());
        }

        @Override
        public void drain() {
            // the index was checked whole (checksum) when read
        }

        @Override
        public void close() {
            // in memory
        }
    }

    /** Only external files arrive here: the merge runs over indexes. */
    private record ExternalSink(ErofsWriter writer) implements FlattenSink {
        @Override
        public void add(ErofsEntry entry) throws IOException {
            writer.add(entry);
        }

        @Override
        public void add(ErofsEntry file, InputStream data) {
            throw new IllegalStateException("a metadata image reads no file data: " + file.path());
        }

        @Override
        public void add(ErofsEntry file, ExternalData data) throws IOException {
            writer.addExternal(file, data);
        }
    }
}
