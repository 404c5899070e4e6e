package dev.shed.core.lifecycle;

import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The seed's variants, small: base ⊂ extensions ⊂ full, sharing layers the way the real ones do, written as an
 * OCI layout by {@link OciLayoutBuilder} and imported into a store the way an import does (blobs, then the
 * name, inside a write session).
 */
public final class TestImages {
    public final Descriptor base;
    public final Descriptor extensions;
    public final Descriptor full;
    public final Path layout;

    private TestImages(Path layout, Descriptor base, Descriptor extensions, Descriptor full) {
        this.layout = layout;
        this.base = base;
        this.extensions = extensions;
        this.full = full;
    }

    /** Builds the three variants in {@code dir} and imports them into {@code store} as base, extensions, full. */
    public static TestImages importInto(Store store, Path dir) throws IOException {
        OciLayoutBuilder b = new OciLayoutBuilder(dir);
        OciLayoutBuilder.Layer l1 = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder()
                .dir("etc").file("etc/os-release", "ID=debian\n").dir("usr").dir("usr/bin")
                .file("usr/bin/sh", noise(1, 20_000), 0755));
        OciLayoutBuilder.Layer l2 = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder()
                .dir("opt").file("opt/ext.txt", "extensions\n").file("opt/tool", noise(2, 30_000), 0755));
        OciLayoutBuilder.Layer l3 = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder()
                .dir("srv").file("srv/full.txt", "full\n").file("srv/data", noise(3, 40_000), 0644));
        Platform p = new Platform("linux", "amd64", null);
        Descriptor base = b.manifest(List.of(l1), p, false);
        Descriptor ext = b.manifest(List.of(l1, l2), p, false);
        Descriptor full = b.manifest(List.of(l1, l2, l3), p, false);
        b.name("base", base).name("extensions", ext).name("full", full);
        importLayout(store, dir, List.of("base", "extensions", "full"), List.of(base, ext, full));
        return new TestImages(dir, base, ext, full);
    }

    /** Copies every blob of the layout in, then names the images: what an import does, in that order. */
    public static void importLayout(Store store, Path layout, List<String> names, List<Descriptor> targets) throws IOException {
        try (FileLocks.Held session = store.writeSession()) {
            try (var files = Files.list(layout.resolve("blobs/sha256"))) {
                for (Path f : files.sorted().toList()) {
                    try (InputStream in = Files.newInputStream(f)) {
                        store.blobs().put(in, new Digest(f.getFileName().toString()), Files.size(f));
                    }
                }
            }
            for (int i = 0; i < names.size(); i++) store.names().put(names.get(i), targets.get(i));
        }
    }

    /** Incompressible bytes, so blob sizes are predictable and different per layer. */
    public static byte[] noise(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes an unreferenced blob straight into the store (garbage for prune). */
    public static Digest garbage(Store store, long seed, int size) throws IOException {
        return store.blobs().put(noise(seed, size));
    }

    static byte[] json(Object o) {
        return Json.bytes(o);
    }
}
