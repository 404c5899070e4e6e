package dev.shed.erofs;

import static dev.shed.erofs.EntryType.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of entry, every size around block boundaries, read back by fsck.erofs and the kernel. */
class EntryKindsTest {
    static final long BUILD_TIME = 1_700_000_000L;

    static TreeSpec allKinds() {
        TreeSpec t = new TreeSpec(BUILD_TIME);
        t.add(ErofsEntry.builder("", DIRECTORY).permissions(0755).mtime(1_600_000_000L, 5).build());
        t.add(ErofsEntry.builder("dir", DIRECTORY).permissions(01777).owner(1000, 1000).mtime(1_650_000_000L, 999_999_999).build());
        // compact inode: mtime equals build time, small ids
        t.add(ErofsEntry.builder("dir/compact", DIRECTORY).permissions(0700).mtime(BUILD_TIME, 0).build());
        long[] sizes = {0, 1, 100, 4095, 4096, 4097, 8191, 8192, 8193, 12288 + 7, 65536, 200_000, 1_048_576 + 4097, 3_000_001};
        int seed = 1;
        for (long size : sizes) {
            for (Content.Kind kind : Content.Kind.values()) {
                String name = "dir/f-" + size + "-" + kind.name().toLowerCase();
                t.file(ErofsEntry.builder(name, FILE).size(size).permissions(0644).owner(seed, seed + 1)
                        .mtime(1_690_000_000L + seed, seed * 1000).build(), Content.of(size, seed++, kind));
            }
        }
        t.file(ErofsEntry.builder("suid", FILE).size(10).permissions(04755).mtime(BUILD_TIME, 0).build(),
                Content.of(10, 99, Content.Kind.TEXT));
        t.file(ErofsEntry.builder("bigids", FILE).size(5000).permissions(02640).owner(100_000, 4_000_000_000L)
                .mtime(-5, 0).build(), Content.of(5000, 98, Content.Kind.TEXT));
        t.add(ErofsEntry.builder("link-rel", SYMLINK).linkTarget("dir/f-1-text").mtime(1, 2).build());
        t.add(ErofsEntry.builder("link-abs", SYMLINK).linkTarget("/etc/passwd").mtime(1, 2).build());
        t.add(ErofsEntry.builder("link-long", SYMLINK).linkTarget("x/".repeat(1500) + "end").build());
        t.add(ErofsEntry.builder("link-max", SYMLINK).linkTarget("y".repeat(4095)).build());
        t.add(ErofsEntry.builder("dev/null", CHAR_DEVICE).device(1, 3).permissions(0666).build());
        t.add(ErofsEntry.builder("dev/big", BLOCK_DEVICE).device(259, 300_000).permissions(0660).build());
        t.add(ErofsEntry.builder("dev/fifo", FIFO).permissions(0600).build());
        t.add(ErofsEntry.builder("dev/sock", SOCKET).permissions(0755).build());
        // hardlinks: one added before its target, one after; a chain
        t.add(ErofsEntry.builder("hl/early", HARDLINK).linkTarget("hl/target").build());
        t.file(ErofsEntry.builder("hl/target", FILE).size(9000).owner(7, 8).mtime(1000, 1).build(),
                Content.of(9000, 77, Content.Kind.TEXT));
        t.add(ErofsEntry.builder("hl/late", HARDLINK).linkTarget("/hl/target").build());
        t.add(ErofsEntry.builder("other/chain", HARDLINK).linkTarget("hl/late").build());
        // xattrs of every namespace, long values, a shared set on several inodes
        byte[] cap = new byte[20];
        cap[0] = 1; cap[3] = 2; cap[5] = 0x04; // VFS_CAP_REVISION_2 | effective, permitted cap_net_bind_service
        t.file(ErofsEntry.builder("x/cap", FILE).size(3).xattr("security.capability", cap)
                .xattr("user.comment", "hello".getBytes(StandardCharsets.UTF_8))
                .xattr("trusted.overlay.opaque", "y".getBytes()).build(), Content.of(3, 5, Content.Kind.TEXT));
        t.file(ErofsEntry.builder("x/long", FILE).size(5000).xattr("user.big", "v".repeat(3000).getBytes())
                .xattr("user.empty", new byte[0]).build(), Content.of(5000, 6, Content.Kind.RANDOM));
        for (int i = 0; i < 4; i++) {
            t.file(ErofsEntry.builder("x/shared" + i, FILE).size(i * 3000).xattr("user.shared", "same-value".getBytes())
                    .xattr("security.selinux", "system_u:object_r:bin_t:s0".getBytes())
                    .xattr("user.own", ("v" + i).getBytes()).build(), Content.of(i * 3000, 40 + i, Content.Kind.TEXT));
        }
        // tails at the inline limit: inlined without xattrs, a block of their own with a large ibody
        t.file(ErofsEntry.builder("x/tail-inline", FILE).size(4096 + 4032).build(), Content.of(4096 + 4032, 8, Content.Kind.RANDOM));
        t.file(ErofsEntry.builder("x/tail-block", FILE).size(4033).xattr("user.pad", "p".repeat(200).getBytes()).build(),
                Content.of(4033, 9, Content.Kind.RANDOM));
        t.add(ErofsEntry.builder("x/dirx", DIRECTORY).xattr("user.d", "dv".getBytes()).xattr("trusted.t", new byte[]{0, 1, 2}).build());
        t.add(ErofsEntry.builder("x/symx", SYMLINK).linkTarget("cap").xattr("trusted.s", "sv".getBytes()).build());
        // implicit parents (never added) and a replaced entry
        t.file(ErofsEntry.builder("implicit/a/b/c", FILE).size(1).build(), Content.of(1, 3, Content.Kind.TEXT));
        t.file(ErofsEntry.builder("replaced", FILE).size(100).build(), Content.of(100, 4, Content.Kind.RANDOM));
        t.add(ErofsEntry.builder("replaced", SYMLINK).linkTarget("now-a-link").build());
        return t;
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void fsckExtractsEveryKind(Compression compression, @TempDir Path tmp) throws Exception {
        TreeSpec t = allKinds();
        Path img = tmp.resolve("kinds.erofs");
        t.write(img, ErofsOptions.builder().compression(compression).buildTime(BUILD_TIME).build());
        t.verifyExtracted(ErofsReaders.fsckExtract(img, tmp.resolve("out")));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void kernelMountsEveryKind(Compression compression, @TempDir Path tmp) throws Exception {
        TreeSpec t = allKinds();
        Path img = tmp.resolve("kinds.erofs");
        t.write(img, ErofsOptions.builder().compression(compression).buildTime(BUILD_TIME).build());
        try (ErofsReaders.Mount m = ErofsReaders.mount(img, tmp.resolve("mnt"))) {
            t.verifyMounted(m.dir);
        }
    }

    /**
     * Big pclusters (Linux 5.13+): every kind still reads back through both readers, and the data takes fewer
     * blocks than with one-block pclusters.
     */
    @ParameterizedTest
    @ValueSource(ints = {8192, 16384, 65536, 1 << 20})
    void bigPclustersAreReadAndPackTighter(int pcluster, @TempDir Path tmp) throws Exception {
        TreeSpec t = allKinds();
        Path big = tmp.resolve("big.erofs");
        ErofsImageStats bigStats = t.write(big, ErofsOptions.builder().compression(Compression.LZ4HC)
                .pclusterSize(pcluster).buildTime(BUILD_TIME).build());
        ErofsImageStats small = t.write(tmp.resolve("small.erofs"), ErofsOptions.builder()
                .compression(Compression.LZ4HC).buildTime(BUILD_TIME).build());
        t.verifyExtracted(ErofsReaders.fsckExtract(big, tmp.resolve("out")));
        try (ErofsReaders.Mount m = ErofsReaders.mount(big, tmp.resolve("mnt"))) {
            t.verifyMounted(m.dir);
        }
        org.assertj.core.api.Assertions.assertThat(bigStats.dataBlocks()).isLessThan(small.dataBlocks());
    }

    /** The older full lcluster index (8 B per 4 KiB) stays readable; compact (the default) is smaller. */
    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"LZ4", "LZ4HC"})
    void fullIndexesAreReadAndCompactOnesAreSmaller(Compression compression, @TempDir Path tmp) throws Exception {
        TreeSpec t = allKinds();
        Path full = tmp.resolve("full.erofs");
        Path compact = tmp.resolve("compact.erofs");
        ErofsImageStats fullStats = t.write(full, ErofsOptions.builder().compression(compression)
                .buildTime(BUILD_TIME).compactIndexes(false).build());
        ErofsImageStats compactStats = t.write(compact, ErofsOptions.builder().compression(compression)
                .buildTime(BUILD_TIME).build());
        t.verifyExtracted(ErofsReaders.fsckExtract(full, tmp.resolve("out")));
        try (ErofsReaders.Mount m = ErofsReaders.mount(full, tmp.resolve("mnt"))) {
            t.verifyMounted(m.dir);
        }
        org.assertj.core.api.Assertions.assertThat(compactStats.metadataBytes()).isLessThan(fullStats.metadataBytes());
        org.assertj.core.api.Assertions.assertThat(compactStats.dataBlocks()).isEqualTo(fullStats.dataBlocks());
    }
}
