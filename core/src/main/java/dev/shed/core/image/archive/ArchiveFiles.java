package dev.shed.core.image.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Read access to the files of an image archive by relative path ("index.json", "blobs/sha256/…"), whether the
 * archive is a directory or a tar. Paths use '/' and never start with "./".
 */
public interface ArchiveFiles extends Closeable {
    /** What the user gave, for messages. */
    String describe();

    boolean exists(String path);

    /** Size in bytes; throws {@link java.nio.file.NoSuchFileException} naming the path when absent. */
    long size(String path) throws IOException;

    InputStream open(String path) throws IOException;

    default byte[] read(String path, long limit) throws IOException {
        long size = size(path);
        if (size > limit) throw new IllegalArgumentException(describe() + ": " + path + " is " + size + " bytes, more than the " + limit + " allowed");
        try (InputStream in = open(path)) {
            return in.readNBytes((int) size);
        }
    }

    /**
     * Opens {@code source}: a directory, or a tar (plain, gzip or zstd compressed; compressed ones are unpacked to a
     * temporary file under {@code scratch} first because blobs must be read in index order, not tar order).
     */
    static ArchiveFiles open(Path source, Path scratch) throws IOException {
        if (Files.isDirectory(source)) return new DirectoryFiles(source);
        if (!Files.exists(source)) throw new java.nio.file.NoSuchFileException(source.toString());
        return TarFiles.open(source, scratch);
    }
}
