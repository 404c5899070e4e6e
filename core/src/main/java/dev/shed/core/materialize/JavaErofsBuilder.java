package dev.shed.core.materialize;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.progress.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The Java backend: flatten straight into shed's EROFS writer, data streamed, nothing extracted. */
final class JavaErofsBuilder implements ErofsBackend {
    /** Bumped whenever the bytes the writer produces for the same input change. */
    static final String WRITER_FORMAT = "shed-erofs/1";

    @Override
    public String writer() {
        return WRITER_FORMAT;
    }

    @Override
    public void build(List<LayerBlob> layers, Path out, Path scratch, MaterializeOptions options, Progress progress) throws IOException {
        throw new UnsupportedOperationException("the Java EROFS writer (dev.shed.erofs.ErofsWriter) is not merged yet; "
                + "use --backend mkfs.erofs for now");
    }
}
