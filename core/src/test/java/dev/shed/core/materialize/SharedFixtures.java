package dev.shed.core.materialize;

import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Layers whose files have real data (several blocks, compressible or not), for shared lowers' data devices. */
final class SharedFixtures {
    private SharedFixtures() {}

    /** Text-like bytes (compress well, not trivially), deterministic per seed. */
    static byte[] text(int size, long seed) {
        Random r = new Random(seed);
        String[] words = {"shed", "erofs", "layer", "device", "kernel", "block", "merge", "whiteout", "lower", "data",
                "manifest", "pcluster", "index", "mount", "loop"};
        StringBuilder b = new StringBuilder(size + 16);
        while (b.length() < size) b.append(words[r.nextInt(words.length)]).append(r.nextInt(10) == 0 ? '\n' : ' ');
        return Arrays.copyOf(b.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * A base layer of files of many sizes (with ones the upper layer hides, replaces, or whose hardlink target it
     * replaces), and an upper layer doing that.
     */
    static OciLayoutBuilder.Layer[] dataLayers() {
        TarLayerBuilder base = new TarLayerBuilder().mtime(1_600_000_300L).dir("blobs");
        int[] sizes = {4095, 4096, 4097, 9000, 65536, 200_001};
        for (int s : sizes) {
            base.file("blobs/text-" + s, text(s, s), 0644).file("blobs/random-" + s, random(s, s), 0600);
        }
        base.file("blobs/zeros", new byte[1 << 20], 0644)
                .file("blobs/hidden", text(300_000, 1), 0644)
                .file("blobs/replaced", text(100_000, 2), 0644)
                .file("blobs/hl-target", text(20_000, 3), 0640)
                .hardlink("blobs/hl-link", "blobs/hl-target")
                .file("blobs/xattr-big", text(50_000, 4), 0644, e -> e.addPaxHeader("SCHILY.xattr.user.big", "v".repeat(900)));
        TarLayerBuilder upper = new TarLayerBuilder().mtime(1_600_000_400L)
                .whiteout("blobs/hidden")
                .file("blobs/replaced", random(50_000, 5), 0644)
                .file("blobs/hl-target", text(7_000, 6), 0644)
                .file("blobs/upper-text", text(123_457, 7), 0755);
        return new OciLayoutBuilder.Layer[] {OciLayoutBuilder.Layer.gzip(base), OciLayoutBuilder.Layer.tar(upper)};
    }

    /** The kitchen sink's flatten cases (for umoci or not) with the data layers on top. */
    static OciLayoutBuilder.Layer[] everything(boolean forUmoci) {
        List<OciLayoutBuilder.Layer> all = new ArrayList<>(List.of(dev.shed.core.flatten.FlattenCasesAccess.kitchenSink(forUmoci)));
        all.addAll(List.of(dataLayers()));
        return all.toArray(new OciLayoutBuilder.Layer[0]);
    }

    /** A layer of one file, for images sharing a base. */
    static OciLayoutBuilder.Layer top(String name, int size, long seed) {
        return OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().mtime(1_600_000_500L).file(name, text(size, seed), 0644));
    }
}
