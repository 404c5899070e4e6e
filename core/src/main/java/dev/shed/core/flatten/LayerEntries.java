package dev.shed.core.flatten;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.layer.LayerFormatException;
import dev.shed.erofs.ErofsEntry;
import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * One layer's entries in tar order, as the merge reads them: from the layer tar itself ({@link #tar}), or from a
 * description of it that already knows where each file's data is (a shared lower's layer index). Whiteout markers
 * come through as ordinary entries; the merge interprets them.
 */
public interface LayerEntries extends AutoCloseable {
    /** The next entry, or null at the end of the layer. */
    ErofsEntry next() throws IOException;

    /** The raw tar name of the current entry (for messages). */
    String currentName();

    /**
     * Hands the current entry's file data to {@code sink} as the regular file {@code as} (the current entry, or a
     * copy of it under another path): its bytes, or where they already are.
     */
    void sendFile(FlattenSink sink, ErofsEntry as) throws IOException;

    /**
     * Reads whatever is left of the layer and judges its integrity (a tar: its digests), for a consumer that used only
     * part of the entries but must not use them unless the whole layer is intact.
     */
    void drain() throws IOException;

    /** A failure of the merge on this layer, explained by the layer's integrity where that is the cause. */
    default LayerFormatException explain(LayerFormatException ex) {
        return ex;
    }

    @Override
    void close() throws IOException;

    /** Opens a layer's entries; {@code counter} (may be null) sees the bytes read, for progress. */
    @FunctionalInterface
    interface Opener {
        LayerEntries open(LayerBlob layer, LongConsumer counter) throws IOException;
    }

    /** The layer tar, read and decompressed as it streams. */
    static LayerEntries tar(LayerBlob layer, LongConsumer counter) throws IOException {
        dev.shed.core.layer.LayerReader r = dev.shed.core.layer.LayerReader.open(layer, counter);
        return new LayerEntries() {
            @Override
            public ErofsEntry next() throws IOException {
                return r.next();
            }

            @Override
            public String currentName() {
                return r.currentName();
            }

            @Override
            public void sendFile(FlattenSink sink, ErofsEntry as) throws IOException {
                sink.add(as, r.data());
            }

            @Override
            public void drain() throws IOException {
                r.drain();
            }

            @Override
            public LayerFormatException explain(LayerFormatException ex) {
                return r.explain(ex);
            }

            @Override
            public void close() throws IOException {
                r.close();
            }
        };
    }
}
