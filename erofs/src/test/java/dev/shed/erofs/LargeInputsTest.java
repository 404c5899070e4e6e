package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Big directories and big (mostly empty) files. */
class LargeInputsTest {
    @Test
    void directoryWithTenThousandEntries(@TempDir Path tmp) throws Exception {
        TreeSpec t = new TreeSpec(0);
        for (int i = 0; i < 10_000; i++) {
            String name = "big/" + "entry-" + Integer.toString(i * 7919 % 10_000, 36) + "-" + "n".repeat(i % 40);
            if (i % 10 == 0) t.add(ErofsEntry.builder(name, EntryType.DIRECTORY).mtime(i, 0).build());
            else t.file(ErofsEntry.builder(name, EntryType.FILE).size(i % 50).mtime(i, i).build(),
                    Content.of(i % 50, i, Content.Kind.TEXT));
        }
        Path img = tmp.resolve("big.erofs");
        ErofsImageStats s = t.write(img, ErofsOptions.builder().compression(Compression.LZ4HC).build());
        assertThat(s.inodes()).isEqualTo(10_002);
        t.verifyExtracted(ErofsReaders.fsckExtract(img, tmp.resolve("out")));
        try (ErofsReaders.Mount m = ErofsReaders.mount(img, tmp.resolve("mnt"))) {
            t.verifyMounted(m.dir);
        }
    }

    @Test
    void mostlyZeroFileOf256MiBCompressesToATinyImage(@TempDir Path tmp) throws Exception {
        long size = 256L << 20;
        TreeSpec t = new TreeSpec(0);
        t.file(ErofsEntry.builder("zeros", EntryType.FILE).size(size).build(), Content.of(size, 5, Content.Kind.ZEROS));
        Path img = tmp.resolve("zeros.erofs");
        ErofsImageStats s = t.write(img, ErofsOptions.builder().compression(Compression.LZ4HC).build());
        assertThat(Files.size(img)).isLessThan(8L << 20);
        assertThat(s.compressedFiles()).isEqualTo(1);
        try (ErofsReaders.Mount m = ErofsReaders.mount(img, tmp.resolve("mnt"))) {
            t.verifyMounted(m.dir);
        }
    }
}
