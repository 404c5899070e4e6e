package dev.shed.core.flatten;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.progress.Progress;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.Processes;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge against umoci's: the same image is unpacked by {@code umoci unpack} and exported by shed as one tar
 * (extracted by GNU tar), and the two trees must be equal in every attribute.
 */
class FlattenDifferentialTest {
    @TempDir
    Path tmp;

    @Test
    void kitchenSinkMatchesUmociUnpack() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("layout"));
        layout.image("oracle", FlattenCases.kitchenSink(true));
        Descriptor m = layout.image("sink", FlattenCases.kitchenSink(false));

        Path expected = unpackWithUmoci(layout.dir(), "oracle");
        Path actual = exportAndExtract(layout.dir(), m.digest());
        Map<String, String> want = TreeSnapshot.of(expected, false);
        assertThat(TreeSnapshot.of(actual, false)).isEqualTo(want);
        assertKitchenSinkSemantics(want);
    }

    @Test
    void largeDirectoryAndLargeMostlyZeroFileMatchUmociUnpack() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("layout"));
        Descriptor m = layout.image("big", FlattenCasesAccess.bigCases());
        Map<String, String> want = TreeSnapshot.of(unpackWithUmoci(layout.dir(), "big"), false);
        assertThat(want).hasSize(10_000 + 3).containsKey("big/entry-09999");
        assertThat(want.get("var/zero.img")).contains("size=268435456");
        assertThat(TreeSnapshotAccess.diff(want, TreeSnapshot.of(exportAndExtract(layout.dir(), m.digest()), false))).isEmpty();
    }

    @Test
    void hardlinksToLowerLayersMatchUmociUnpackIncludingInodeIdentity() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("layout"));
        Descriptor m = layout.image("links", FlattenCases.crossLayerLinks());
        Map<String, String> want = TreeSnapshot.of(unpackWithUmoci(layout.dir(), "links"), false);
        assertCrossLayerLinkSemantics(want);
        assertThat(TreeSnapshotAccess.diff(want, TreeSnapshot.of(exportAndExtract(layout.dir(), m.digest()), false))).isEmpty();
    }

    /** Guards the oracle: the inode groups and contents each cross-layer case was built for. */
    static void assertCrossLayerLinkSemantics(Map<String, String> tree) {
        assertThat(tree.get("l/plain")).contains("link=l/plain").contains("xattrs{user.k=0x76}");
        assertThat(tree.get("x/plain")).contains("link=l/plain");
        assertThat(tree.get("l/two")).contains("link=l/plain");
        assertThat(tree.get("l/same")).contains("link=l/same");
        assertThat(tree.get("x/replaced-same")).contains("link=l/same");
        assertThat(tree.get("l/upper")).doesNotContain("link=").isNotEqualTo(tree.get("x/replaced-upper"));
        assertThat(tree.get("l/whited")).doesNotContain("link=");
        assertThat(tree).doesNotContainKeys("x/whited", "op/t");
        assertThat(tree.get("l/opq")).doesNotContain("link=");
        assertThat(tree.get("l/hl")).contains("link=l/hl").contains("uid=7");
        assertThat(tree.get("x/hl-link")).contains("link=l/hl");
        assertThat(tree.get("x/hl-root")).doesNotContain("link=");
        assertThat(tree.get("l/c2")).contains("link=l/c2");
        assertThat(tree.get("x/c1")).contains("link=l/c2");
        assertThat(tree.get("x/chain-t")).contains("link=l/c2");
    }

    /** Guards the oracle itself: the cases the image was built for are really in the compared trees. */
    static void assertKitchenSinkSemantics(Map<String, String> tree) {
        assertThat(tree).doesNotContainKeys("deldir", "opq/b", "opq/sub", "opq2/x", "opq3/old", "d2f/child", "readd/old",
                "del/.wh.file1", "opq/.wh..wh..opq");
        assertThat(tree).containsKeys("del/file1", "del/file2", "opq/a", "opq2/new", "opq3/new", "f2d/inner", "readd/new",
                FlattenCases.LONG_FILE);
        assertThat(tree.get("data/keep")).contains("size=22").contains("link=data/keep");
        assertThat(tree.get("etc/user-xattr")).contains("user.comment=0x68656c6c6f");
        assertThat(tree.get("usr/bin/sg")).contains("mode=2755");
        assertThat(tree.get("etc/huge-ids")).contains("uid=3000000 gid=4000000");
        assertThat(tree.get("dev/loop0")).startsWith("block");
    }

    Path unpackWithUmoci(Path layout, String tag) throws Exception {
        Path bundle = tmp.resolve("umoci-" + tag);
        Processes.check(null, "umoci", "unpack", "--image", layout + ":" + tag, bundle.toString());
        return bundle.resolve("rootfs");
    }

    Path exportAndExtract(Path layout, Digest manifest) throws Exception {
        Path tar = tmp.resolve("export-" + manifest.shortHex() + ".tar");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar)); TarSink sink = new TarSink(out)) {
            new Flattener(Progress.NONE).flatten(layers(layout, manifest), sink);
        }
        Path dir = tmp.resolve("extract-" + manifest.shortHex());
        Files.createDirectories(dir);
        Processes.check(null, "tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "--same-owner", "--delay-directory-restore", "-xpf",
                tar.toString(), "-C", dir.toString());
        return dir;
    }

    static List<LayerBlob> layers(Path layout, Digest manifest) throws IOException {
        Manifest m = Manifest.parse(Files.readAllBytes(layout.resolve("blobs/sha256").resolve(manifest.hex())), null);
        List<LayerBlob> out = new ArrayList<>();
        for (Descriptor d : m.layers()) {
            Path blob = layout.resolve("blobs/sha256").resolve(d.digest().hex());
            out.add(new LayerBlob(d, () -> Files.newInputStream(blob)));
        }
        return out;
    }

    static Map<String, String> snapshot(Path dir) throws Exception {
        return TreeSnapshot.of(dir, false);
    }
}
