package dev.shed.core.vm;

import dev.shed.core.store.StoreDirs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A VM shed's writable layer: a sparse file formatted ext4 on the host ({@code mkfs.ext4 -F -q -E
 * root_owner=0:0,lazy_journal_init=1}; the root dir owned by root whoever runs shed), the guest's overlay upper and
 * work dirs live in it. It only takes the disk space the guest has written. The file is new and sparse, so it
 * reads as zeros: mkfs marks every inode table zeroed (the guest kernel starts no ext4lazyinit thread to zero them
 * under TCG) and need not write the journal's zeros either (64 MB of an 8G disk, 8 MB of 256M).
 */
public final class UpperDisk {
    public static final long DEFAULT_SIZE = 8L << 30;
    public static final String FILE_NAME = "disk.ext4";

    private UpperDisk() {}

    public static Path file(Path upperDir) {
        return upperDir.resolve(FILE_NAME);
    }

    public static void create(Path file, long size) throws IOException {
        if (size < (16L << 20)) throw new IllegalArgumentException("--upper-size must be at least 16M");
        Files.createDirectories(file.getParent());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        StoreDirs.setMode(file, StoreDirs.FILE_MODE); // 0644 whatever the umask: no other user rewrites the upper
        try {
            HostCommand.run(List.of(mkfs(), "-F", "-q", "-E", "root_owner=0:0,lazy_journal_init=1", file.toString()), 300);
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw new IOException("formatting the shed's upper disk: " + e.getMessage());
        }
    }

    private static String mkfs() {
        for (String p : new String[] {"/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4"}) if (Files.isExecutable(Path.of(p))) return p;
        return "mkfs.ext4";
    }
}
