package dev.shed.core.materialize;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.progress.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A way to write the merged layers of one manifest as an EROFS image at a (temporary) path. */
interface ErofsBackend {
    /** Identifies the writer and its output format, part of the cache key (e.g. "shed-erofs/1", "mkfs.erofs 1.5"). */
    String writer() throws IOException;

    void build(List<LayerBlob> layers, Path out, Path scratch, MaterializeOptions options, Progress progress) throws IOException;
}
