package dev.shed.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.testing.Corruption;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerReaderTest {
    @TempDir
    Path tmp;

    record Read(ErofsEntry entry, byte[] data) {}

    static LayerBlob blob(String mediaType, byte[] bytes) {
        return new LayerBlob(new Descriptor(mediaType, Digest.of(bytes), bytes.length), () -> new java.io.ByteArrayInputStream(bytes));
    }

    static List<Read> readAll(LayerBlob b) throws IOException {
        List<Read> out = new ArrayList<>();
        try (LayerReader r = LayerReader.open(b, null)) {
            ErofsEntry e;
            while ((e = r.next()) != null) out.add(new Read(e, e.type() == EntryType.FILE ? r.data().readAllBytes() : null));
        }
        return out;
    }

    @Test
    void readsEveryTypeAndNormalisesNames() throws IOException {
        TarLayerBuilder t = new TarLayerBuilder()
                .dir("./etc").file("/etc/passwd", "root").symlink("./etc/abs", "/etc/passwd")
                .hardlink("etc/hard", "./etc/passwd").charDevice("dev/null", 1, 3).blockDevice("dev/sda", 8, 0).fifo("run/f")
                .file("etc/x", "xattrs".getBytes(StandardCharsets.UTF_8), 04755, e -> {
                    e.addPaxHeader("SCHILY.xattr.user.k", "v");
                    e.setUserId(3_000_000L);
                    e.setGroupId(70_000L);
                });
        for (LayerBlob b : List.of(blob(MediaType.OCI_LAYER_GZIP, t.gzip()), blob(MediaType.OCI_LAYER_TAR, t.tar()),
                blob(MediaType.OCI_LAYER_ZSTD, t.zstd()), blob(MediaType.DOCKER_LAYER_GZIP, t.gzip()))) {
            List<Read> all = readAll(b);
            assertThat(all).extracting(r -> r.entry().path()).containsExactly("etc", "etc/passwd", "etc/abs", "etc/hard", "dev/null", "dev/sda", "run/f", "etc/x");
            assertThat(all).extracting(r -> r.entry().type()).containsExactly(EntryType.DIRECTORY, EntryType.FILE, EntryType.SYMLINK,
                    EntryType.HARDLINK, EntryType.CHAR_DEVICE, EntryType.BLOCK_DEVICE, EntryType.FIFO, EntryType.FILE);
            assertThat(new String(all.get(1).data(), StandardCharsets.UTF_8)).isEqualTo("root");
            assertThat(all.get(2).entry().linkTarget()).isEqualTo("/etc/passwd");
            assertThat(all.get(3).entry().linkTarget()).isEqualTo("etc/passwd");
            assertThat(all.get(5).entry().devMajor()).isEqualTo(8);
            ErofsEntry x = all.get(7).entry();
            assertThat(x.permissions()).isEqualTo(04755);
            assertThat(x.uid()).isEqualTo(3_000_000L);
            assertThat(x.gid()).isEqualTo(70_000L);
            assertThat(x.xattrs()).containsOnlyKeys("user.k");
            assertThat(new String(x.xattrs().get("user.k"), StandardCharsets.UTF_8)).isEqualTo("v");
        }
    }

    @Test
    void binaryXattrsFromGnuTarSurviveExactly() throws Exception {
        Integration.requireTool("setfattr");
        Integration.requireRoot();
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path f = Files.writeString(src.resolve("ping"), "binary");
        byte[] cap = HexFormat.of().parseHex("0100000200200000000000000000000000000000"); // cap_net_raw+p, NUL bytes and high bits
        byte[] odd = HexFormat.of().parseHex("ff00fe80c3");
        Processes.check(null, "setfattr", "-n", "security.capability", "-v", "0x" + HexFormat.of().formatHex(cap), f.toString());
        Processes.check(null, "setfattr", "-n", "trusted.odd", "-v", "0x" + HexFormat.of().formatHex(odd), f.toString());
        Processes.check(null, "setfattr", "-n", "user.empty", f.toString());   // "SCHILY.xattr.user.empty=" in the tar
        Path tar = tmp.resolve("x.tar");
        Processes.check(src, "tar", "--xattrs", "--xattrs-include=*", "--format=pax", "-cf", tar.toString(), "ping");
        List<Read> all = readAll(blob(MediaType.OCI_LAYER_TAR, Files.readAllBytes(tar)));
        assertThat(all).hasSize(1);
        assertThat(all.get(0).entry().xattrs().get("security.capability")).isEqualTo(cap);
        assertThat(all.get(0).entry().xattrs().get("trusted.odd")).isEqualTo(odd);
        assertThat(all.get(0).entry().xattrs().get("user.empty")).as("an empty value is an xattr too").isEmpty();
    }

    @Test
    void sparseFilesFromGnuTarAreExpanded() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("sparse"));
        Path f = src.resolve("holes");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(64L << 20);
            raf.seek(1 << 20);
            raf.write("in the middle".getBytes(StandardCharsets.UTF_8));
            raf.seek((64L << 20) - 5);
            raf.write("tail!".getBytes(StandardCharsets.UTF_8));
        }
        String expected = sha256(Files.newInputStream(f));
        for (String format : List.of("gnu", "pax", "posix")) {
            Path tar = tmp.resolve("sparse-" + format + ".tar");
            List<String> cmd = new ArrayList<>(List.of("tar", "--sparse", "--format=" + format));
            if (format.equals("posix")) cmd.add("--sparse-version=0.1");
            cmd.addAll(List.of("-cf", tar.toString(), "holes"));
            Processes.run(src, cmd);
            assertThat(Files.size(tar)).as(format + " tar is sparse").isLessThan(1 << 20);
            try (LayerReader r = LayerReader.open(blob(MediaType.OCI_LAYER_TAR, Files.readAllBytes(tar)), null)) {
                ErofsEntry e = r.next();
                assertThat(e.path()).isEqualTo("holes");
                assertThat(e.size()).as(format).isEqualTo(64L << 20);
                assertThat(sha256(r.data())).as(format).isEqualTo(expected);
                assertThat(r.next()).isNull();
            }
        }
    }

    @Test
    void sparseFilesOfThreeGibibytesFromGnuTarInEveryFormat() throws Exception {
        Integration.requireTool("tar");
        Path src = Files.createDirectories(tmp.resolve("big-sparse"));
        Path f = ThreeGibSparse.make(src.resolve("disk.img"));
        Files.writeString(src.resolve("after"), "the entry after the sparse one");
        for (String format : List.of("posix", "posix-0.0", "posix-0.1", "gnu", "oldgnu")) {
            Path tar = tmp.resolve("sparse-" + format + ".tar");
            List<String> cmd = new ArrayList<>(List.of("tar", "--sparse", "--format=" + format.replaceAll("-.*", "")));
            if (format.contains("-")) cmd.add("--sparse-version=" + format.substring(format.indexOf('-') + 1));
            cmd.addAll(List.of("-cf", tar.toString(), "disk.img", "after"));
            Processes.check(src, cmd.toArray(String[]::new));
            assertThat(Files.size(tar)).as(format + " tar is sparse").isLessThan(1 << 20);
            LayerBlob b = new LayerBlob(new Descriptor(MediaType.OCI_LAYER_TAR, Digest.of(Files.readAllBytes(tar)), Files.size(tar)),
                    () -> Files.newInputStream(tar));
            try (LayerReader r = LayerReader.open(b, null)) {
                ErofsEntry e = r.next();
                assertThat(e.path()).as(format).isEqualTo("disk.img");
                assertThat(e.size()).as(format).isEqualTo(ThreeGibSparse.SIZE);
                assertThat(ThreeGibSparse.firstDifference(f, r.data())).as(format + ": first byte that differs from the source").isEqualTo(-1);
                ErofsEntry after = r.next();
                assertThat(after.path()).as(format).isEqualTo("after");
                assertThat(new String(r.data().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("the entry after the sparse one");
                assertThat(r.next()).isNull();
            }
        }
    }

    @Test
    void multiMemberGzipIsReadToTheEnd() throws IOException {
        byte[] tar = new TarLayerBuilder().file("a", "1").file("b", "2").tar();
        int cut = 1024; // header+data of "a"
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.writeBytes(TarLayerBuilder.gzip(java.util.Arrays.copyOfRange(tar, 0, cut)));
        two.writeBytes(TarLayerBuilder.gzip(java.util.Arrays.copyOfRange(tar, cut, tar.length)));
        assertThat(readAll(blob(MediaType.OCI_LAYER_GZIP, two.toByteArray()))).extracting(r -> r.entry().path()).containsExactly("a", "b");
    }

    @Test
    void truncatedStreamsAreRefusedNamingLayerAndEntry() {
        byte[] big = new byte[200_000];
        new java.util.Random(1).nextBytes(big);
        byte[] gz = new TarLayerBuilder().file("first", "ok").file("big", big, 0644).gzip();
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        LayerBlob b = blob(MediaType.OCI_LAYER_GZIP, cut);
        assertThatThrownBy(() -> readAll(b)).isInstanceOf(LayerFormatException.class)
                .hasMessageContaining(b.digest().toString()).hasMessageContaining("'big'").hasMessageContaining("truncated");
        byte[] tar = new TarLayerBuilder().file("big", big, 0644).tar();
        LayerBlob t = blob(MediaType.OCI_LAYER_TAR, java.util.Arrays.copyOf(tar, 100_000));
        assertThatThrownBy(() -> readAll(t)).isInstanceOf(LayerFormatException.class).hasMessageContaining("'big'");
    }

    @Test
    void truncationInsideSkippedDataIsStillAnError() {
        byte[] tar = new TarLayerBuilder().file("big", new byte[100_000], 0644).tar();
        LayerBlob t = blob(MediaType.OCI_LAYER_TAR, java.util.Arrays.copyOf(tar, 50_000));
        assertThatThrownBy(() -> {
            try (LayerReader r = LayerReader.open(t, null)) {
                while (r.next() != null) {
                    // never read the data: the reader skips it
                }
            }
        }).isInstanceOf(LayerFormatException.class).hasMessageContaining("'big'");
    }

    @Test
    void aTarEndingRightAfterTheLastEntrysDataIsAccepted() throws IOException {
        byte[] tar = new TarLayerBuilder().file("etc/gone", "hi\n").tar();
        byte[] unpadded = java.util.Arrays.copyOf(tar, 512 + 3); // what umoci 0.4 insert writes
        assertThat(readAll(blob(MediaType.OCI_LAYER_TAR, unpadded))).extracting(r -> new String(r.data(), StandardCharsets.UTF_8))
                .containsExactly("hi\n");
    }

    @Test
    void pathsEscapingTheRootAreRefused() {
        var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("../../etc/shadow");
        e.setSize(1);
        LayerBlob b = blob(MediaType.OCI_LAYER_TAR, new TarLayerBuilder().raw(e, new byte[] {1}).tar());
        assertThatThrownBy(() -> readAll(b)).isInstanceOf(LayerFormatException.class)
                .hasMessageContaining(b.digest().toString()).hasMessageContaining("../../etc/shadow").hasMessageContaining("climbs above");
        LayerBlob h = blob(MediaType.OCI_LAYER_TAR, new TarLayerBuilder().hardlink("x", "../outside").tar());
        assertThatThrownBy(() -> readAll(h)).isInstanceOf(LayerFormatException.class).hasMessageContaining("'x'");
    }

    @Test
    void hugeHeadersAreRefusedNotBuffered() {
        String huge = "x".repeat(17 << 20);
        TarLayerBuilder t = new TarLayerBuilder().file("ok", "fine")
                .file("bomb", new byte[0], 0644, e -> e.addPaxHeader("SCHILY.xattr.user.big", huge));
        LayerBlob b = blob(MediaType.OCI_LAYER_GZIP, t.gzip());
        assertThatThrownBy(() -> readAll(b)).isInstanceOf(LayerFormatException.class)
                .hasMessageContaining(b.digest().toString()).hasMessageContaining("headers exceed 16 MiB");
    }

    @Test
    void unknownMediaTypeIsRefused() {
        LayerBlob b = blob("application/x-foo", new byte[0]);
        assertThatThrownBy(() -> readAll(b)).isInstanceOf(LayerFormatException.class).hasMessageContaining("application/x-foo");
    }

    static LayerBlob withDiffId(String mediaType, byte[] bytes, Digest diffId) {
        return new LayerBlob(new Descriptor(mediaType, Digest.of(bytes), bytes.length), () -> new java.io.ByteArrayInputStream(bytes), diffId);
    }

    @Test
    void aFlippedByteInFileDataIsRefusedWithExpectedAndActualDigest() throws Exception {
        byte[] tar = new TarLayerBuilder().file("etc/a", "untouched").file("etc/b", "data that will be flipped").tar();
        LayerBlob good = blob(MediaType.OCI_LAYER_TAR, tar);
        byte[] bad = tar.clone();
        int at = Corruption.indexOf(bad, "flipped".getBytes(StandardCharsets.UTF_8));
        bad[at] ^= 1;
        Path f = Files.write(tmp.resolve("bad.tar"), bad);
        String actual = Processes.check(null, "sha256sum", f.toString()).substring(0, 64); // an oracle that is not ours
        LayerBlob corrupt = new LayerBlob(good.descriptor(), () -> new java.io.ByteArrayInputStream(bad), good.digest());
        assertThatThrownBy(() -> readAll(corrupt)).isInstanceOf(LayerIntegrityException.class)
                .hasMessageContaining("layer " + good.digest()).hasMessageContaining("sha256:" + actual)
                .extracting(Throwable::getMessage).matches(m -> !m.contains("\n"));
    }

    @Test
    void aCorruptHeaderIsReportedAsCorruptionNotAsAMalformedTar() {
        byte[] tar = new TarLayerBuilder().file("a", "x").tar();
        LayerBlob good = blob(MediaType.OCI_LAYER_TAR, tar);
        byte[] bad = tar.clone();
        bad[150] ^= 0x55; // inside the header checksum
        LayerBlob corrupt = new LayerBlob(good.descriptor(), () -> new java.io.ByteArrayInputStream(bad));
        assertThatThrownBy(() -> readAll(corrupt)).isInstanceOf(LayerIntegrityException.class).hasMessageContaining(good.digest().toString());
    }

    @Test
    void diffIdsAreCheckedForEveryCompressionAfterTheWholeStream() throws Exception {
        TarLayerBuilder t = new TarLayerBuilder().file("a", "1").file("b", "2");
        byte[] tar = t.tar();
        Path f = Files.write(tmp.resolve("layer.tar"), tar);
        Digest diffId = Digest.parse("sha256:" + Processes.check(null, "sha256sum", f.toString()).substring(0, 64));
        Digest wrong = Digest.of("another tar".getBytes(StandardCharsets.UTF_8));
        for (String mt : List.of(MediaType.OCI_LAYER_GZIP, MediaType.OCI_LAYER_ZSTD, MediaType.OCI_LAYER_TAR)) {
            byte[] blob = mt.equals(MediaType.OCI_LAYER_GZIP) ? t.gzip() : mt.equals(MediaType.OCI_LAYER_ZSTD) ? t.zstd() : tar;
            assertThat(readAll(withDiffId(mt, blob, diffId))).as(mt).hasSize(2);
            assertThatThrownBy(() -> readAll(withDiffId(mt, blob, wrong))).as(mt).isInstanceOf(LayerIntegrityException.class)
                    .hasMessageContaining(wrong.toString()).hasMessageContaining("diff_ids");
        }
        // trailing zero records after the end blocks (GNU tar pads to 10 KiB) are part of the diff_id
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("x"), "x");
        Path gnu = tmp.resolve("gnu.tar");
        Processes.check(src, "tar", "-cf", gnu.toString(), "x");
        assertThat(Files.size(gnu)).isEqualTo(10240);
        Digest gnuDiffId = Digest.parse("sha256:" + Processes.check(null, "sha256sum", gnu.toString()).substring(0, 64));
        assertThat(readAll(withDiffId(MediaType.OCI_LAYER_GZIP, TarLayerBuilder.gzip(Files.readAllBytes(gnu)), gnuDiffId))).hasSize(1);
    }

    @Test
    void aConsumerThatStopsEarlyStillLearnsOfCorruptionThroughDrain() {
        byte[] tar = new TarLayerBuilder().file("first", "read").file("second", "never read, corrupt").tar();
        LayerBlob good = blob(MediaType.OCI_LAYER_GZIP, TarLayerBuilder.gzip(tar));
        byte[] badTar = tar.clone();
        badTar[Corruption.indexOf(badTar, "corrupt".getBytes(StandardCharsets.UTF_8))] ^= 1;
        byte[] badGz = TarLayerBuilder.gzip(badTar); // a well-formed gzip of other content: only the digests tell
        LayerBlob corrupt = new LayerBlob(good.descriptor(), () -> new java.io.ByteArrayInputStream(badGz));
        assertThatThrownBy(() -> {
            try (LayerReader r = LayerReader.open(corrupt, null)) {
                assertThat(r.next().path()).isEqualTo("first");
                r.drain();
            }
        }).isInstanceOf(LayerIntegrityException.class).hasMessageContaining(good.digest().toString());
    }

    static String sha256(InputStream in) throws IOException {
        try (in) {
            MessageDigest md = Digest.newSha256();
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        }
    }
}
