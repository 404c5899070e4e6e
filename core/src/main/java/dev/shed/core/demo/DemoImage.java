package dev.shed.core.demo;

import dev.shed.core.image.build.ImageAssembler;
import dev.shed.core.image.build.LayerBuilder;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The embedded image of {@code shed demo}: an OCI image layout directory with three tar+gzip layers that exercise
 * what a flatten must get right: a file whiteout (layer 2 deletes etc/motd), an opaque directory (layer 3 replaces
 * var/cache/), a symlink and a hardlink; plus an empty_layer history entry. Everything is fixed (times, owners), so
 * the image has the same digest on every machine.
 */
public final class DemoImage {
    public static final String NAME = "shed-demo";
    private static final long MTIME = 1_704_067_200L; // 2024-01-01T00:00:00Z
    private static final Instant CREATED = Instant.ofEpochSecond(MTIME);

    private DemoImage() {}

    /** One generated layer: its descriptor, diff_id and what it does (for the demo's output). */
    public record Layer(Descriptor descriptor, Digest diffId, String createdBy) {}

    /** What was written. */
    public record Result(Path layout, Descriptor manifest, List<Layer> layers) {}

    public static Result writeLayout(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        List<Layer> layers = new ArrayList<>();
        layers.add(layer(dir, "ADD rootfs / (base files, a symlink and a hardlink)", t -> {
            dirEntry(t, "etc/");
            file(t, "etc/os-release", "NAME=shed-demo\nVERSION_ID=1\n", 0644);
            file(t, "etc/motd", "Welcome to the shed demo (deleted by layer 2)\n", 0644);
            dirEntry(t, "usr/");
            dirEntry(t, "usr/bin/");
            file(t, "usr/bin/hello", "#!/bin/sh\necho hello from shed\n", 0755);
            link(t, "usr/bin/hi", "hello", TarConstants.LF_SYMLINK);
            link(t, "usr/bin/hello-again", "usr/bin/hello", TarConstants.LF_LINK);
            dirEntry(t, "var/");
            dirEntry(t, "var/cache/");
            file(t, "var/cache/old-1.txt", "stale cache (hidden by layer 3's opaque marker)\n", 0644);
            file(t, "var/cache/old-2.txt", "stale cache (hidden by layer 3's opaque marker)\n", 0644);
        }));
        layers.add(layer(dir, "RUN rm /etc/motd && echo demo > /etc/hostname (file whiteout)", t -> {
            dirEntry(t, "etc/");
            file(t, "etc/.wh.motd", "", 0644);
            file(t, "etc/hostname", "demo\n", 0644);
        }));
        layers.add(layer(dir, "RUN rm -rf /var/cache/* && fill it again (opaque directory)", t -> {
            dirEntry(t, "var/");
            dirEntry(t, "var/cache/");
            file(t, "var/cache/.wh..wh..opq", "", 0644);
            file(t, "var/cache/fresh.txt", "the only file left in /var/cache\n", 0644);
        }));
        List<Digest> diffIds = new ArrayList<>();
        List<ImageAssembler.Step> history = new ArrayList<>();
        List<Descriptor> descs = new ArrayList<>();
        for (Layer l : layers) {
            diffIds.add(l.diffId());
            history.add(new ImageAssembler.Step(l.createdBy(), false));
            descs.add(l.descriptor());
        }
        history.add(new ImageAssembler.Step("ENV DEMO=1 (metadata only: empty_layer)", true));
        byte[] config = ImageAssembler.config(new Platform("linux", "amd64", null), CREATED, diffIds, history);
        Descriptor configDesc = blob(dir, MediaType.OCI_CONFIG, config);
        Descriptor manifest = blob(dir, MediaType.OCI_MANIFEST, ImageAssembler.manifest(configDesc, descs));
        var index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaType.OCI_INDEX);
        index.putArray("manifests").add(manifest.withAnnotations(Map.of(Descriptor.REF_NAME, NAME)).toJson());
        Files.write(dir.resolve("index.json"), Json.bytes(index));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return new Result(dir, manifest, layers);
    }

    private interface Entries {
        void write(TarArchiveOutputStream t) throws IOException;
    }

    private static Layer layer(Path dir, String createdBy, Entries entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LayerBuilder b = new LayerBuilder(bytes);
        entries.write(b.tar());
        LayerBuilder.Result r = b.finish();
        Descriptor d = blob(dir, MediaType.OCI_LAYER_GZIP, bytes.toByteArray());
        if (!d.digest().equals(r.digest())) throw new IllegalStateException("layer digest mismatch");
        return new Layer(d, r.diffId(), createdBy);
    }

    private static Descriptor blob(Path dir, String mediaType, byte[] bytes) throws IOException {
        Digest d = Digest.of(bytes);
        Files.write(dir.resolve("blobs/sha256").resolve(d.hex()), bytes);
        return new Descriptor(mediaType, d, bytes.length);
    }

    private static TarArchiveEntry entry(String name, byte type, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setMode(mode);
        e.setModTime(MTIME * 1000);
        e.setUserId(0);
        e.setGroupId(0);
        return e;
    }

    private static void dirEntry(TarArchiveOutputStream t, String name) throws IOException {
        t.putArchiveEntry(entry(name, TarConstants.LF_DIR, 0755));
        t.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream t, String name, String content, int mode) throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
        e.setSize(b.length);
        t.putArchiveEntry(e);
        t.write(b);
        t.closeArchiveEntry();
    }

    private static void link(TarArchiveOutputStream t, String name, String target, byte type) throws IOException {
        TarArchiveEntry e = entry(name, type, type == TarConstants.LF_SYMLINK ? 0777 : 0755);
        e.setLinkName(target);
        t.putArchiveEntry(e);
        t.closeArchiveEntry();
    }
}
