package dev.shed.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.ImageConfig;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.Store;
import dev.shed.core.materialize.Lower;
import dev.shed.core.materialize.MaterializeOptions;
import dev.shed.core.materialize.Materializer;
import dev.shed.core.progress.Progress;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.SpecialTrees;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsImporterTest {
    private static final Instant CREATED = Instant.parse("2024-05-06T07:08:09Z");

    @TempDir
    Path tmp;

    private RootfsImporter.Options opts(String tag) {
        return new RootfsImporter.Options(tag, new Platform("linux", "arm64", null), CREATED, null);
    }

    private static Manifest manifest(Store store, Descriptor d) throws Exception {
        return Manifest.parse(store.blobs().read(d.digest()), d.mediaType());
    }

    private static byte[] gunzip(byte[] gz) throws Exception {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static Map<String, TarArchiveEntry> entries(byte[] tar) throws Exception {
        Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) out.put(e.getName(), e);
        }
        return out;
    }

    private Path tree() throws Exception {
        Path root = tmp.resolve("rootfs");
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "box\n");
        Files.writeString(root.resolve("usr/bin/tool"), "#!/bin/sh\n");
        Files.setAttribute(root.resolve("usr/bin/tool"), "unix:mode", 04755);
        Files.createSymbolicLink(root.resolve("usr/bin/alias"), Path.of("tool"));
        Files.createLink(root.resolve("usr/bin/tool-link"), root.resolve("usr/bin/tool"));
        Files.writeString(root.resolve("zz-last"), "z");
        Files.writeString(root.resolve("a-first"), "a");
        return root;
    }

    private static void setTimes(Path root) throws Exception {
        try (var s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (!Files.isSymbolicLink(p)) Files.setLastModifiedTime(p, FileTime.from(CREATED));
            }
        }
    }

    @Test
    void directoryBecomesASortedLayerWithCorrectDiffIdAndConfig() throws Exception {
        Path root = tree();
        Store store = Store.open(tmp.resolve("store"));
        ArchiveImporter.Imported done = new RootfsImporter(store).importRootfs(root, opts("box:1"));
        assertThat(done.name()).isEqualTo("docker.io/library/box:1");
        Manifest m = manifest(store, done.target());
        assertThat(m.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
        assertThat(m.layers()).hasSize(1);
        Descriptor layer = m.layers().get(0);
        assertThat(layer.mediaType()).isEqualTo(MediaType.OCI_LAYER_GZIP);
        byte[] gz = store.blobs().read(layer.digest());
        assertThat(Digest.of(gz)).isEqualTo(layer.digest());
        assertThat(gz.length).isEqualTo(layer.size());
        byte[] tar = gunzip(gz);
        ImageConfig c = ImageConfig.parse(store.blobs().read(m.config().digest()), "config");
        assertThat(c.diffIds()).containsExactly(Digest.of(tar).toString());
        assertThat(c.created()).isEqualTo("2024-05-06T07:08:09Z");
        assertThat(c.platform()).isEqualTo(Platform.parse("linux/arm64"));
        assertThat(c.history()).extracting(ImageConfig.History::createdBy).containsExactly("shed image import");

        Map<String, TarArchiveEntry> e = entries(tar);
        assertThat(e.keySet()).containsExactly("./", "a-first", "etc/", "etc/hostname", "usr/", "usr/bin/", "usr/bin/alias",
                "usr/bin/tool", "usr/bin/tool-link", "zz-last");
        assertThat(e.get("usr/bin/alias").isSymbolicLink()).isTrue();
        assertThat(e.get("usr/bin/alias").getLinkName()).isEqualTo("tool");
        assertThat(e.get("usr/bin/tool").getMode() & 07777).isEqualTo(04755);
        assertThat(e.get("usr/bin/tool-link").isLink()).isTrue();
        assertThat(e.get("usr/bin/tool-link").getLinkName()).isEqualTo("usr/bin/tool");
        assertThat(e.get("etc/hostname").getUserName()).isEmpty();
    }

    @Test
    void sameTreeGivesTheSameDigestTwice() throws Exception {
        Path root = tree();
        setTimes(root);
        Store a = Store.open(tmp.resolve("a"));
        Store b = Store.open(tmp.resolve("b"));
        Digest first = new RootfsImporter(a).importRootfs(root, opts("x")).target().digest();
        Digest second = new RootfsImporter(b).importRootfs(root, opts("x")).target().digest();
        assertThat(second).isEqualTo(first);
        Files.writeString(root.resolve("etc/hostname"), "changed\n");
        Files.setLastModifiedTime(root.resolve("etc/hostname"), FileTime.from(CREATED));
        assertThat(new RootfsImporter(b).importRootfs(root, opts("y")).target().digest()).isNotEqualTo(first);
    }

    /**
     * Issue 11: the import read only user.* xattrs, decoded their values as UTF-8 (0xff00fe80 came back as
     * efbfbd00efbfbdefbfbd) and opened every FIFO (blocking forever). Oracles, none of them shed's: getfattr on the
     * source against getfattr on GNU tar's and umoci's extraction of the stored layer and on the kernel's mount of
     * the materialized lower; commons-compress and the kernel's stat for owners, types and device numbers.
     */
    @Test
    void everyXattrAndSpecialFileReachesTheLayerAndTheMountedLowerExactly() throws Exception {
        Path root = SpecialTrees.make(tmp.resolve("special"));
        Files.writeString(root.resolve("owned"), "x");
        Files.setAttribute(root.resolve("owned"), "unix:uid", 1234);
        Files.setAttribute(root.resolve("owned"), "unix:gid", 5678);
        Map<String, Map<String, String>> want = SpecialTrees.xattrs(root);
        assertThat(want.get("bin/ping")).containsEntry("security.capability", SpecialTrees.CAPABILITY)
                .containsEntry("user.bin", "ff00fe80").containsEntry("trusted.x", "00ff");

        Store store = Store.open(tmp.resolve("store"));
        Descriptor target = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> new RootfsImporter(store).importRootfs(root, opts("special")).target(), "import of a tree with a FIFO");
        Manifest m = manifest(store, target);
        byte[] tar = gunzip(store.blobs().read(m.layers().get(0).digest()));

        Map<String, TarArchiveEntry> e = entries(tar);
        assertThat(e.get("owned").getLongUserId()).isEqualTo(1234);
        assertThat(e.get("owned").getLongGroupId()).isEqualTo(5678);
        assertThat(e.get("null").isCharacterDevice()).isTrue();
        assertThat(e.get("null").getDevMajor()).isEqualTo(1);
        assertThat(e.get("null").getDevMinor()).isEqualTo(3);
        assertThat(e.get("loop9").isBlockDevice()).isTrue();
        assertThat(e.get("loop9").getDevMinor()).isEqualTo(259);
        assertThat(e.get("p").isFIFO()).isTrue();
        assertThat(e).as("tar cannot hold a socket").doesNotContainKey("sock");

        Path layerTar = Files.write(tmp.resolve("layer.tar"), tar);
        Path extracted = Files.createDirectories(tmp.resolve("gnu-tar"));
        Processes.check(extracted, "tar", "--xattrs", "--xattrs-include=*", "-xpf", layerTar.toString());
        assertThat(SpecialTrees.xattrs(extracted)).as("GNU tar's extraction of the layer").isEqualTo(want);

        // umoci, the OCI unpacker, as a third reader: it refuses security.selinux ("forbidden xattr") and, like Go's
        // tar, takes an empty PAX value for "unset"; everything else must come out byte for byte.
        Integration.requireTool("umoci");
        Path bundle = tmp.resolve("bundle");
        Processes.check(null, "umoci", "unpack", "--image", tmp.resolve("store") + ":docker.io/library/special:latest",
                bundle.toString());
        Map<String, Map<String, String>> umociWants = new java.util.TreeMap<>();
        want.forEach((path, x) -> {
            Map<String, String> kept = new java.util.TreeMap<>(x);
            kept.remove("security.selinux");
            kept.values().removeIf(String::isEmpty);
            if (!kept.isEmpty()) umociWants.put(path, kept);
        });
        assertThat(SpecialTrees.xattrs(bundle.resolve("rootfs"))).as("umoci unpack").isEqualTo(umociWants);

        Lower lower = new Materializer(store, MaterializeOptions.defaults(), Progress.NONE).materialize(target.digest());
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Processes.check(null, "mount", "-t", "erofs", "-o", "loop,ro", lower.path().toString(), mnt.toString());
        try {
            assertThat(SpecialTrees.xattrs(mnt)).as("kernel mount of the materialized lower").isEqualTo(want);
            for (String node : List.of("null", "loop9", "tty", "p", "owned")) {
                assertThat(SpecialTrees.node(mnt.resolve(node))).as(node).isEqualTo(SpecialTrees.node(root.resolve(node)));
            }
        } finally {
            Processes.check(null, "umount", mnt.toString());
        }
    }

    @Test
    void tarInputIsKeptEntryForEntryInEveryCompression() throws Exception {
        TarLayerBuilder layer = new TarLayerBuilder().dir("etc").file("etc/passwd", "root:x:0:0\n".getBytes(StandardCharsets.UTF_8), 0600,
                en -> {
                    en.setUserId(7);
                    en.setGroupId(8);
                }).symlink("bin", "usr/bin");
        byte[] tar = layer.tar();
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        inputs.put("root.tar", tar);
        inputs.put("root.tar.gz", layer.gzip());
        inputs.put("root.tar.zst", layer.zstd());
        List<Digest> layers = new ArrayList<>();
        for (var in : inputs.entrySet()) {
            Path file = tmp.resolve(in.getKey());
            Files.write(file, in.getValue());
            Store store = Store.open(tmp.resolve("store-" + in.getKey()));
            Manifest m = manifest(store, new RootfsImporter(store).importRootfs(file, opts("t")).target());
            byte[] stored = gunzip(store.blobs().read(m.layers().get(0).digest()));
            assertThat(stored).as(in.getKey()).isEqualTo(tar);
            layers.add(m.layers().get(0).digest());
        }
        assertThat(layers).as("same tar, same layer whatever the input compression").containsOnly(layers.get(0));
    }

    @Test
    void refusesNonTarFilesAndNeedsAValidName() throws Exception {
        Path junk = tmp.resolve("junk.tar");
        Files.writeString(junk, "hello, not a tar ".repeat(100));
        Store store = Store.open(tmp.resolve("store"));
        assertThatThrownBy(() -> new RootfsImporter(store).importRootfs(junk, opts("t"))).hasMessageContaining("not a tar archive");
        assertThatThrownBy(() -> new RootfsImporter(store).importRootfs(tmp.resolve("nope"), opts("t")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        Path tree = tree();
        assertThatThrownBy(() -> new RootfsImporter(store).importRootfs(tree, opts("Bad Name"))).hasMessageContaining("invalid reference");
        assertThat(store.names().list()).isEmpty();
        assertThat(store.blobs().list()).isEmpty();
    }
}
