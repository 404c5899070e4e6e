package dev.shed.core.materialize;

import dev.shed.core.flatten.FlattenSink;
import dev.shed.core.flatten.Flattener;
import dev.shed.core.layer.LayerBlob;
import dev.shed.core.progress.Progress;
import dev.shed.erofs.Compression;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ErofsOptions;
import dev.shed.erofs.ErofsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java backend: the merge streams straight into shed's EROFS writer; each winning file's data goes from the
 * layer's decompressor to the writer's compressor as its tar entry is read; nothing is extracted. Deterministic:
 * the writer orders everything itself, the UUID comes from the manifest digest and the build time (the mtime of
 * directories no layer describes) from the image config, so the same manifest gives the same bytes on every host.
 */
final class JavaErofsBuilder implements ErofsBackend {
    /** Bumped whenever the merge's output for the same layers changes. */
    private static final int MERGE_VERSION = 1;
    /** Part of each lower's cache key: a lower written by another writer or merge version is rebuilt. */
    static final String WRITER_FORMAT = "shed-erofs/" + dev.shed.erofs.ErofsWriter.OUTPUT_VERSION + "." + MERGE_VERSION;

    @Override
    public String writer() {
        return WRITER_FORMAT;
    }

    @Override
    public void build(List<LayerBlob> layers, Path out, Path scratch, MaterializeOptions options, Progress progress,
                      byte[] uuid, long buildTime) throws IOException {
        ErofsOptions erofs = erofsOptions(options, uuid, buildTime);
        Progress.Task task = null;
        try (ErofsWriter writer = ErofsWriter.create(out, erofs)) {
            new Flattener(progress).flatten(layers, new WriterSink(writer));
            task = progress.start("erofs", "Writing image", -1);
        }
        if (task != null) task.finish("Written");
    }

    /** The writer options for {@code options}; {@code uuid} may be null (data devices have none). */
    static ErofsOptions erofsOptions(MaterializeOptions options, byte[] uuid, long buildTime) {
        return ErofsOptions.builder()
                .compression(compression(options.compression()))
                .level(options.compression() == MaterializeOptions.Compression.LZ4HC ? options.effectiveLevel()
                        : Compression.LZ4HC_DEFAULT_LEVEL)
                .pclusterSize(options.pclusterSize())
                .uuid(uuid)
                .buildTime(buildTime)
                .threads(Math.max(1, Runtime.getRuntime().availableProcessors()))
                .build();
    }

    private static Compression compression(MaterializeOptions.Compression c) {
        switch (c) {
            case NONE: return Compression.NONE;
            case LZ4: return Compression.LZ4;
            default: return Compression.LZ4HC;
        }
    }

    /** Feeds merged entries to the writer, which has the same two calls. */
    private record WriterSink(ErofsWriter writer) implements FlattenSink {
        @Override
        public void add(ErofsEntry entry) throws IOException {
            writer.add(entry);
        }

        @Override
        public void add(ErofsEntry file, InputStream data) throws IOException {
            writer.add(file, data);
        }
    }
}
