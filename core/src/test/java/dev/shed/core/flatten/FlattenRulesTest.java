package dev.shed.core.flatten;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.layer.LayerFormatException;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.progress.Progress;
import dev.shed.core.testing.TarLayerBuilder;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;

/** The merge rules and the hostile-input policy, on hand-written layers, without external tools. */
class FlattenRulesTest {

    /** Records what the flattener emits: path → entry (last add wins, like the EROFS writer) and contents. */
    static final class Recorder implements FlattenSink {
        final Map<String, ErofsEntry> entries = new LinkedHashMap<>();
        final Map<String, String> contents = new LinkedHashMap<>();
        final List<String> order = new ArrayList<>();

        @Override
        public void add(ErofsEntry entry) {
            entries.put(entry.path(), entry);
            contents.remove(entry.path());
            order.add(entry.path());
        }

        @Override
        public void add(ErofsEntry file, InputStream data) throws IOException {
            byte[] b = data.readAllBytes();
            assertThat(b.length).isEqualTo(file.size());
            entries.put(file.path(), file);
            contents.put(file.path(), new String(b, StandardCharsets.UTF_8));
            order.add(file.path());
        }
    }

    static LayerBlob layer(TarLayerBuilder b) {
        byte[] bytes = b.gzip();
        return new LayerBlob(new Descriptor(MediaType.OCI_LAYER_GZIP, Digest.of(bytes), bytes.length),
                () -> new java.io.ByteArrayInputStream(bytes));
    }

    static Recorder flatten(TarLayerBuilder... oldestFirst) throws IOException {
        Recorder r = new Recorder();
        List<LayerBlob> layers = new ArrayList<>();
        for (TarLayerBuilder b : oldestFirst) layers.add(layer(b));
        new Flattener(Progress.NONE).flatten(layers, r);
        return r;
    }

    @Test
    void whiteoutsNeverHideTheirOwnLayerWhateverTheOrder() throws IOException {
        Recorder r = flatten(
                new TarLayerBuilder().dir("d").file("d/old", "lower"),
                new TarLayerBuilder().file("d/new", "same layer, before the marker").opaque("d").file("d/later", "after")
                        .file("x", "re-added in the layer that whites it out").whiteout("x"));
        assertThat(r.entries).containsKeys("d", "d/new", "d/later", "x").doesNotContainKey("d/old");
        assertThat(r.entries.keySet()).noneMatch(p -> p.contains(".wh."));
    }

    @Test
    void fileReplacesDirectoryWithAllDescendantsAndBack() throws IOException {
        Recorder r = flatten(
                new TarLayerBuilder().dir("a").dir("a/b").file("a/b/c", "deep").file("f", "file"),
                new TarLayerBuilder().file("a", "now a file").dir("f").file("f/g", "inside"));
        assertThat(r.entries.get("a").type()).isEqualTo(EntryType.FILE);
        assertThat(r.entries).doesNotContainKeys("a/b", "a/b/c");
        assertThat(r.entries.get("f").type()).isEqualTo(EntryType.DIRECTORY);
        assertThat(r.contents.get("f/g")).isEqualTo("inside");
    }

    @Test
    void upperDirectoryImpliedByItsChildrenWinsOverALowerSymlinkButALowerDirGivesItsMetadata() throws IOException {
        Recorder r = flatten(
                new TarLayerBuilder().symlink("etc", "/tmp").dir("usr", 0700),
                new TarLayerBuilder().file("etc/passwd", "upper").file("usr/x", "implies usr"));
        assertThat(r.entries).doesNotContainKey("etc"); // the writer creates it as a directory
        assertThat(r.contents.get("etc/passwd")).isEqualTo("upper");
        assertThat(r.entries.get("usr").permissions()).isEqualTo(0700);
    }

    @Test
    void hardlinkToATargetAnUpperLayerReplacedKeepsItsOwnLayersContent() throws IOException {
        Recorder r = flatten(
                new TarLayerBuilder().file("t", "layer 0 content").hardlink("l1", "t").hardlink("l2", "l1"),
                new TarLayerBuilder().file("t", "upper replaced"));
        assertThat(r.contents.get("t")).isEqualTo("upper replaced");
        assertThat(r.entries.get("l1").type()).isEqualTo(EntryType.FILE);
        assertThat(r.contents.get("l1")).isEqualTo("layer 0 content");
        assertThat(r.entries.get("l2").type()).isEqualTo(EntryType.HARDLINK);
        assertThat(r.entries.get("l2").linkTarget()).isEqualTo("l1");
    }

    @Test
    void hardlinkToALowerLayerFileSharesItsInodeOrCopiesItWhenTheTargetIsGone() throws IOException {
        Recorder r = flatten(
                new TarLayerBuilder().file("t", "lower").file("gone", "whited out above"),
                new TarLayerBuilder().hardlink("l", "t").hardlink("g", "gone"),
                new TarLayerBuilder().whiteout("gone"));
        assertThat(r.entries.get("l").type()).isEqualTo(EntryType.HARDLINK);
        assertThat(r.entries.get("l").linkTarget()).isEqualTo("t");
        assertThat(r.order.indexOf("t")).as("target before link, as tar needs").isLessThan(r.order.lastIndexOf("l"));
        assertThat(r.entries.get("g").type()).isEqualTo(EntryType.FILE);
        assertThat(r.contents.get("g")).isEqualTo("whited out above");
        assertThat(r.entries).doesNotContainKey("gone");
    }

    @Test
    void hardlinksToNowhereBelowAreRefusedNamingTheLinksLayerAndEntry() {
        Map<String, TarLayerBuilder[]> cases = new LinkedHashMap<>();
        cases.put("nowhere", new TarLayerBuilder[] {new TarLayerBuilder().file("other", "x"), new TarLayerBuilder().hardlink("l", "missing")});
        cases.put("whited out between", new TarLayerBuilder[] {new TarLayerBuilder().file("t", "x"),
                new TarLayerBuilder().whiteout("t"), new TarLayerBuilder().hardlink("l", "t")});
        cases.put("own whiteout before the link", new TarLayerBuilder[] {new TarLayerBuilder().file("t", "x"),
                new TarLayerBuilder().whiteout("t").hardlink("l", "t")});
        cases.put("own opaque parent before the link", new TarLayerBuilder[] {new TarLayerBuilder().dir("d").file("d/t", "x"),
                new TarLayerBuilder().opaque("d").hardlink("l", "d/t")});
        cases.put("parent replaced by a file between", new TarLayerBuilder[] {new TarLayerBuilder().dir("d").file("d/t", "x"),
                new TarLayerBuilder().file("d", "file now"), new TarLayerBuilder().hardlink("l", "d/t")});
        cases.put("a directory below", new TarLayerBuilder[] {new TarLayerBuilder().dir("d"), new TarLayerBuilder().hardlink("l", "d")});
        for (Map.Entry<String, TarLayerBuilder[]> c : cases.entrySet()) {
            List<LayerBlob> layers = new ArrayList<>();
            for (TarLayerBuilder b : c.getValue()) layers.add(layer(b));
            LayerBlob top = layers.get(layers.size() - 1);
            assertThatThrownBy(() -> new Flattener(Progress.NONE).flatten(layers, new Recorder())).as(c.getKey())
                    .isInstanceOf(LayerFormatException.class)
                    .hasMessageStartingWith("layer " + top.digest() + " entry 'l': hardlink to '");
        }
    }

    @Test
    void hardlinkWhoseTargetIsPresentStaysAHardlink() throws IOException {
        Recorder r = flatten(new TarLayerBuilder().file("t", "x").hardlink("l", "t"));
        assertThat(r.entries.get("l").type()).isEqualTo(EntryType.HARDLINK);
        assertThat(r.entries.get("l").linkTarget()).isEqualTo("t");
    }

    @Test
    void duplicatesWithinALayerLaterWins() throws IOException {
        Recorder r = flatten(new TarLayerBuilder().file("dup", "first").file("dup", "second"));
        assertThat(r.contents.get("dup")).isEqualTo("second");
    }

    @Test
    void entriesBelowASymlinkOfTheSameLayerAreRefused() {
        TarLayerBuilder b = new TarLayerBuilder().symlink("etc", "/tmp").file("etc/passwd", "pwned");
        LayerBlob l = layer(b);
        assertThatThrownBy(() -> new Flattener(Progress.NONE).flatten(List.of(l), new Recorder()))
                .isInstanceOf(LayerFormatException.class)
                .hasMessageContaining(l.digest().toString()).hasMessageContaining("'etc/passwd'").hasMessageContaining("write through");
    }

    @Test
    void hostileLayersAreRefusedNamingLayerAndEntry() {
        Map<String, TarLayerBuilder> cases = new LinkedHashMap<>();
        cases.put("missing", new TarLayerBuilder().hardlink("l", "missing"));
        cases.put("a directory", new TarLayerBuilder().dir("d").hardlink("l", "d"));
        cases.put("..", new TarLayerBuilder().file("a/.wh...", ""));
        cases.put("dir-and-file", new TarLayerBuilder().dir("x").file("x", "no"));
        cases.put("below-file", new TarLayerBuilder().file("f", "file").file("f/child", "no"));
        cases.put("root-file", new TarLayerBuilder().raw(rootFile(), new byte[0]));
        TarArchiveEntry abs = new TarArchiveEntry("/../../x");
        cases.put("escape", new TarLayerBuilder().raw(abs, new byte[0]));
        for (Map.Entry<String, TarLayerBuilder> c : cases.entrySet()) {
            LayerBlob l = layer(c.getValue());
            assertThatThrownBy(() -> new Flattener(Progress.NONE).flatten(List.of(l), new Recorder())).as(c.getKey())
                    .isInstanceOf(LayerFormatException.class).hasMessageContaining(l.digest().toString()).hasMessageContaining("entry '");
        }
    }

    private static TarArchiveEntry rootFile() {
        TarArchiveEntry e = new TarArchiveEntry(".", org.apache.commons.compress.archivers.tar.TarConstants.LF_NORMAL, true);
        return e;
    }

    @Test
    void leadingSlashAndDotSlashAreNormalised() throws IOException {
        Recorder r = flatten(new TarLayerBuilder().file("/abs", "a").file("./rel", "b").file(".//x/./y", "c"));
        assertThat(r.entries).containsKeys("abs", "rel", "x/y");
    }

    @Test
    void exportIsByteIdenticalAcrossRuns() throws IOException {
        var layers = FlattenCases.kitchenSink(false);
        byte[] first = export(layers);
        byte[] second = export(layers);
        assertThat(first.length).isGreaterThan(10_000);
        assertThat(Arrays.equals(first, second)).isTrue();
    }

    private static byte[] export(dev.shed.core.testing.OciLayoutBuilder.Layer[] layers) throws IOException {
        List<LayerBlob> blobs = new ArrayList<>();
        for (var l : layers) {
            byte[] b = l.bytes();
            blobs.add(new LayerBlob(new Descriptor(l.mediaType(), Digest.of(b), b.length), () -> new java.io.ByteArrayInputStream(b)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarSink sink = new TarSink(out)) {
            new Flattener(Progress.NONE).flatten(blobs, sink);
        }
        return out.toByteArray();
    }

    @Test
    void pathTableStaysCompact() {
        PathTable t = new PathTable();
        byte[] name = new byte[12];
        int parent = PathTable.ROOT;
        for (int i = 0; i < 200_000; i++) {
            byte[] n = String.format("file-%07d", i).getBytes(StandardCharsets.UTF_8);
            int id = t.childOrCreate(i % 100 == 0 ? PathTable.ROOT : parent, n, 0, n.length);
            if (i % 100 == 0) parent = id;
            assertThat(t.child(i % 100 == 0 ? PathTable.ROOT : parent, n, 0, n.length)).isEqualTo(id);
        }
        assertThat(name).isNotNull();
        assertThat(t.size()).isEqualTo(200_001);
        assertThat(t.footprint() / t.size()).as("bytes per path").isLessThan(64);
    }
}
