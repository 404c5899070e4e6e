package dev.shed.core.flatten;

import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.OciLayoutBuilder.Layer;
import dev.shed.core.testing.TarLayerBuilder;
import dev.shed.core.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** Hand-written layers covering the merge's cases, shared by the flatten, export and materialize tests. */
final class FlattenCases {
    private FlattenCases() {}

    /**
     * gzip of an empty tar (just the two zero end blocks): the layer buildkit emits for ENV/LABEL steps (its
     * 32-byte Go encoding, sha256:4f4fb700…; this one is zlib's, same content).
     */
    static final byte[] EMPTY_GZIP_LAYER = TarLayerBuilder.gzip(new byte[1024]);

    static final String LONG_DIR = "long/" + "d".repeat(120);
    static final String LONG_FILE = LONG_DIR + "/" + "f".repeat(150);

    /**
     * Layers oldest first: gzip base, plain tar with whiteouts/opaques/swaps, zstd re-adds (gzip when
     * {@code forUmoci}: umoci 0.4 can't read zstd; the tar inside is identical), the empty layer.
     */
    static Layer[] kitchenSink(boolean forUmoci) {
        TarLayerBuilder l0 = new TarLayerBuilder().mtime(1_600_000_000L)
                .dir("etc").file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
                .dir("tmp", 01777)
                .dir("usr").dir("usr/bin")
                .file("usr/bin/su", bytes("su binary"), 04755)
                .file("usr/bin/sg", bytes("sg binary"), 02755)
                .file("etc/big-ids", bytes("owned by big ids"), 0640, e -> { e.setUserId(100_000L); e.setGroupId(200_000L); })
                .file("etc/huge-ids", bytes("ids beyond 2^21"), 0600, e -> { e.setUserId(3_000_000L); e.setGroupId(4_000_000L); })
                .file("etc/nanos", bytes("mtime with nanoseconds"), 0644,
                        e -> e.setLastModifiedTime(FileTime.from(Instant.ofEpochSecond(1_650_000_000L, 123_456_789))))
                .file("etc/user-xattr", bytes("has xattrs"), 0644, e -> {
                    e.addPaxHeader("SCHILY.xattr.user.comment", "hello");
                    e.addPaxHeader("SCHILY.xattr.user.other", "x=y");
                })
                .dir("long").dir(LONG_DIR).file(LONG_FILE, "long name")
                .symlink("bin", "usr/bin")
                .symlink("etc/abs", "/etc/passwd")
                .symlink("etc/dangling", "../nonexistent/" + "t".repeat(130))
                .dir("dev").charDevice("dev/null", 1, 3).blockDevice("dev/loop0", 7, 0)
                .dir("run").fifo("run/fifo")
                .file("etc/empty", "")
                .dir("data")
                .file("data/orig", "original")
                .hardlink("data/link1", "data/orig")
                .file("data/shadowed", "L0 content of shadowed")
                .hardlink("data/keep", "data/shadowed")
                .hardlink("data/keep2", "data/keep")
                .dir("del").file("del/file1", "deleted later").file("del/file2", "stays")
                .dir("deldir").dir("deldir/a").file("deldir/a/b", "deleted with its dir")
                .dir("opq").file("opq/a", "old a").file("opq/b", "old b").dir("opq/sub").file("opq/sub/c", "old c")
                .dir("opq2").file("opq2/x", "old x").file("opq2/y", "old y")
                .dir("opq3").file("opq3/old", "old")
                .file("f2d", "a file that becomes a directory")
                .dir("d2f").file("d2f/child", "child of a directory that becomes a file")
                .dir("readd").file("readd/old", "before the whiteout");
        TarLayerBuilder l1 = new TarLayerBuilder().mtime(1_600_000_100L)
                .whiteout("del/file1")
                .whiteout("deldir")
                .opaque("opq").file("opq/a", "new a")
                .dir("opq2").file("opq2/new", "new").opaque("opq2")
                .dir("opq3").opaque("opq3").file("opq3/new", "new in opq3")
                .dir("f2d").file("f2d/inner", "inside the new directory")
                .file("d2f", "now a file")
                .file("data/shadowed", "L1 replaced the hardlink target")
                .whiteout("readd")
                .file("usr/bin/su", bytes("replaced su"), 0755);
        TarLayerBuilder l2 = new TarLayerBuilder().mtime(1_600_000_200L)
                .file("del/file1", "re-added after whiteout")
                .dir("readd").file("readd/new", "re-added dir")
                .whiteout("never-existed");
        return new Layer[] {
                Layer.gzip(l0),
                Layer.tar(l1),
                forUmoci ? Layer.gzip(l2) : Layer.zstd(l2),
                new Layer(MediaType.OCI_LAYER_GZIP, EMPTY_GZIP_LAYER),
        };
    }

    /**
     * Hardlinks to files of lower layers, as appliers (umoci, containerd) resolve them against the rootfs so far:
     * plain; target replaced by the link's layer before the link; target replaced or whited out by an upper layer;
     * target under a directory the link's layer makes opaque after the link; target that is itself a hardlink (whose
     * first name an upper layer replaces); a link to a link that was itself cross-layer; two layers linking the same
     * lower file.
     */
    static Layer[] crossLayerLinks() {
        TarLayerBuilder l0 = new TarLayerBuilder().mtime(1_600_000_000L)
                .dir("x")
                .file("x/plain", bytes("lower plain"), 0640, e -> e.addPaxHeader("SCHILY.xattr.user.k", "v"))
                .file("x/replaced-same", "lower, replaced by the link's layer before the link")
                .file("x/replaced-upper", "lower, replaced by an upper layer")
                .file("x/whited", "lower, whited out by an upper layer")
                .dir("op").file("op/t", "under a directory made opaque after the link")
                .file("x/hl-root", bytes("first name of a lower hardlinked inode"), 0600, e -> e.setUserId(7))
                .hardlink("x/hl-link", "x/hl-root")
                .file("x/chain-t", "reached through two links in two layers");
        TarLayerBuilder l1 = new TarLayerBuilder().mtime(1_600_000_100L)
                .dir("l")
                .hardlink("l/plain", "x/plain")
                .file("x/replaced-same", "replaced in the link's layer")
                .hardlink("l/same", "x/replaced-same")
                .hardlink("l/upper", "x/replaced-upper")
                .hardlink("l/whited", "x/whited")
                .hardlink("l/opq", "op/t")
                .opaque("op").file("op/new", "new in the opaque directory")
                .hardlink("l/hl", "x/hl-link")
                .hardlink("x/c1", "x/chain-t");
        TarLayerBuilder l2 = new TarLayerBuilder().mtime(1_600_000_200L)
                .file("x/replaced-upper", "replaced above the link")
                .whiteout("x/whited")
                .hardlink("l/c2", "x/c1")
                .hardlink("l/two", "x/plain");
        TarLayerBuilder l3 = new TarLayerBuilder().mtime(1_600_000_300L)
                .file("x/hl-root", "replaced: the links keep the old inode");
        return new Layer[] {Layer.gzip(l0), Layer.tar(l1), Layer.gzip(l2), Layer.tar(l3)};
    }

    /** A directory of {@code n} small files (uncompressed tar, so it also covers the plain media type). */
    static Layer bigDirectory(int n) {
        TarLayerBuilder b = new TarLayerBuilder().dir("big");
        for (int i = 0; i < n; i++) b.file(String.format("big/entry-%05d", i), "content " + i);
        return Layer.tar(b);
    }

    /**
     * A gzip layer holding one {@code size}-byte file that is zero but for a marker every 64 MiB, written as a
     * stream (the file is never in memory; the compressed layer is a few hundred KiB).
     */
    static Layer mostlyZeroFile(String path, long size) {
        java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bos, 1 << 16);
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gz)) {
            tar.setBigNumberMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.BIGNUMBER_POSIX);
            String parent = path.substring(0, path.lastIndexOf('/') + 1);
            var dir = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(parent);
            dir.setModTime(1_700_000_000_000L);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(path);
            e.setSize(size);
            e.setMode(0100644);
            e.setModTime(1_700_000_000_000L);
            tar.putArchiveEntry(e);
            byte[] zeros = new byte[1 << 20];
            for (long done = 0; done < size; done += zeros.length) {
                boolean marker = done % (64L << 20) == 0;
                if (marker) zeros[7] = 'M';
                tar.write(zeros, 0, (int) Math.min(zeros.length, size - done));
                zeros[7] = 0;
            }
            tar.closeArchiveEntry();
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return new Layer(MediaType.OCI_LAYER_GZIP, bos.toByteArray());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
