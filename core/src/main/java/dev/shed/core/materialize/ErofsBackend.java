package dev.shed.core.materialize;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.progress.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A way to write the merged layers of one manifest as an EROFS image at a (temporary) path. */
interface ErofsBackend {
    /** Identifies the writer and its output format, part of the cache key (e.g. "shed-erofs/2.1", "mkfs.erofs 1.5"). */
    String writer() throws IOException;

    /**
     * Writes the image of {@code layers} (oldest first) to {@code out}; {@code scratch} is an empty private directory;
     * {@code uuid} (16 bytes) and {@code buildTime} (seconds) are fixed per manifest so images are reproducible.
     */
    void build(List<LayerBlob> layers, Path out, Path scratch, MaterializeOptions options, Progress progress,
               byte[] uuid, long buildTime) throws IOException;
}
