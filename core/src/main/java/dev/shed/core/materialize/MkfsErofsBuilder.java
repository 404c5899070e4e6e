package dev.shed.core.materialize;

import dev.shed.core.flatten.DirectorySink;
import dev.shed.core.flatten.Flattener;
import dev.shed.core.layer.LayerBlob;
import dev.shed.core.progress.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed's host-native backend: the same merge, extracted to a scratch directory (as root: owners, devices and
 * xattrs kept), then {@code mkfs.erofs -z<compression>}. erofs-utils 1.7.x's tar mode is known to write corrupt
 * clusters and is never used; this backend always goes through a directory, which every version supports.
 * A fallback for hosts where the Java writer is unwanted, and an independent oracle in tests.
 */
final class MkfsErofsBuilder implements ErofsBackend {
    /** "mkfs.erofs 1.5", "mkfs.erofs (erofs-utils) 1.8.1", "fsck.erofs 1.5". */
    private static final Pattern VERSION = Pattern.compile("(?:mkfs|fsck)\\.erofs (?:\\(erofs-utils\\) )?(\\d+\\.\\d+(?:\\.\\d+)?)");
    private String version;

    @Override
    public String writer() throws IOException {
        return "mkfs.erofs " + version();
    }

    /** The erofs-utils version ("1.5"), from {@code fsck.erofs -V} (mkfs.erofs 1.5 has no version flag). */
    String version() throws IOException {
        if (version != null) return version;
        for (List<String> cmd : List.of(List.of("mkfs.erofs", "--version"), List.of("fsck.erofs", "-V"))) {
            try {
                String out = run(cmd, null);
                Matcher m = VERSION.matcher(out);
                if (m.find()) return version = m.group(1);
            } catch (IOException ignored) {
                // try the next way
            }
        }
        throw new IOException("mkfs.erofs not found or its version unknown (install erofs-utils)");
    }

    @Override
    public void build(List<LayerBlob> layers, Path out, Path scratch, MaterializeOptions options, Progress progress,
                      byte[] uuid, long buildTime) throws IOException {
        Path tree = scratch.resolve("tree");
        try {
            DirectorySink sink = new DirectorySink(tree);
            new Flattener(progress).flatten(layers, sink);
            sink.finish();
            List<String> cmd = new ArrayList<>(List.of("mkfs.erofs", "--quiet", "--preserve-mtime"));
            switch (options.compression()) {
                case LZ4: cmd.add("-zlz4"); break;
                case LZ4HC: cmd.add("-zlz4hc," + options.effectiveLevel()); break;
                default: break;
            }
            if (options.pclusterSize() != 4096) cmd.add("-C" + options.pclusterSize());
            cmd.add("-U" + java.util.UUID.nameUUIDFromBytes(uuid)); // fixed UUID; 1.5 has no fixed build time without -T, which flattens mtimes
            cmd.add(out.toString());
            cmd.add(tree.toString());
            Progress.Task task = progress.start("mkfs", "mkfs.erofs", -1);
            run(cmd, "mkfs.erofs");
            task.finish("Built");
        } finally {
            deleteTree(tree);
        }
    }

    private static String run(List<String> cmd, String what) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int rc = p.waitFor();
            if (rc != 0 && what != null) throw new IOException(what + " failed (exit " + rc + "): " + out.trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
