package dev.shed.core.layer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A 3 GiB sparse file with data before and well beyond 2 GiB (offsets and sizes that need more than 31 bits). */
public final class ThreeGibSparse {
    public static final long SIZE = 3L << 30;

    private ThreeGibSparse() {}

    public static Path make(Path f) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(SIZE);
            raf.seek(100);
            raf.write("head".getBytes(StandardCharsets.UTF_8));
            raf.seek((2L << 30) + 12_345);
            raf.write("beyond 2 GiB ".repeat(1000).getBytes(StandardCharsets.UTF_8)); // spans several blocks
            raf.seek((2L << 30) + (512L << 20));
            raf.write("another island".getBytes(StandardCharsets.UTF_8));
            raf.seek(SIZE - 4);
            raf.write("tail".getBytes(StandardCharsets.UTF_8));
        }
        return f;
    }

    /** The offset of the first byte where {@code data} differs from the file (or ends early or runs on), else -1. */
    public static long firstDifference(Path file, java.io.InputStream data) throws IOException {
        byte[] a = new byte[1 << 20];
        byte[] b = new byte[1 << 20];
        long pos = 0;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            while (true) {
                int n = in.readNBytes(a, 0, a.length);
                int m = data.readNBytes(b, 0, b.length);
                int diff = java.util.Arrays.mismatch(a, 0, n, b, 0, m);
                if (diff >= 0) return pos + diff;
                if (n == 0) return -1;
                pos += n;
            }
        }
    }
}
