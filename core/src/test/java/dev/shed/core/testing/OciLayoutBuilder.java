package dev.shed.core.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Writes an OCI image layout directory by hand for tests: blobs, configs with correct diff_ids, manifests,
 * indexes and index.json names. Independent of shed's store code, so tests of the store can't agree with it
 * by sharing a bug.
 */
public final class OciLayoutBuilder {
    private final Path dir;
    private final List<ObjectNode> indexEntries = new ArrayList<>();

    /** A layer blob as written: its media type and bytes. */
    public record Layer(String mediaType, byte[] bytes) {
        public static Layer gzip(TarLayerBuilder b) { return new Layer(MediaType.OCI_LAYER_GZIP, b.gzip()); }
        public static Layer tar(TarLayerBuilder b) { return new Layer(MediaType.OCI_LAYER_TAR, b.tar()); }
        public static Layer zstd(TarLayerBuilder b) { return new Layer(MediaType.OCI_LAYER_ZSTD, b.zstd()); }
    }

    public OciLayoutBuilder(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    public Path dir() {
        return dir;
    }

    public Descriptor blob(String mediaType, byte[] bytes) throws IOException {
        Digest d = Digest.of(bytes);
        Files.write(dir.resolve("blobs/sha256").resolve(d.hex()), bytes);
        return new Descriptor(mediaType, d, bytes.length);
    }

    /** Writes config + manifest for the layers (oldest first); returns the manifest descriptor. */
    public Descriptor manifest(List<Layer> layers, Platform platform, boolean dockerMediaTypes) throws IOException {
        ObjectNode config = Json.object();
        config.put("created", "2024-01-02T03:04:05Z");
        config.put("architecture", platform.architecture());
        config.put("os", platform.os());
        if (platform.variant() != null) config.put("variant", platform.variant());
        config.putObject("config");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        ArrayNode history = config.putArray("history");
        for (Layer l : layers) {
            diffIds.add(diffId(l).toString());
            history.addObject().put("created", "2024-01-02T03:04:05Z").put("created_by", "test layer " + history.size());
        }
        history.addObject().put("created", "2024-01-02T03:04:05Z").put("created_by", "ENV test=1").put("empty_layer", true);
        Descriptor configDesc = blob(dockerMediaTypes ? MediaType.DOCKER_CONFIG : MediaType.OCI_CONFIG, Json.bytes(config));

        ObjectNode m = Json.object();
        m.put("schemaVersion", 2);
        m.put("mediaType", dockerMediaTypes ? MediaType.DOCKER_MANIFEST : MediaType.OCI_MANIFEST);
        m.set("config", configDesc.toJson());
        ArrayNode arr = m.putArray("layers");
        for (Layer l : layers) {
            String mt = dockerMediaTypes ? dockerLayerType(l.mediaType()) : l.mediaType();
            arr.add(blob(mt, l.bytes()).toJson());
        }
        return blob(m.get("mediaType").asText(), Json.bytes(m));
    }

    public Descriptor index(List<Descriptor> manifests, List<Platform> platforms) throws IOException {
        ObjectNode idx = Json.object();
        idx.put("schemaVersion", 2);
        idx.put("mediaType", MediaType.OCI_INDEX);
        ArrayNode arr = idx.putArray("manifests");
        for (int i = 0; i < manifests.size(); i++) {
            Descriptor d = manifests.get(i);
            arr.add(new Descriptor(d.mediaType(), d.digest(), d.size(), platforms.get(i), null, null).toJson());
        }
        return blob(MediaType.OCI_INDEX, Json.bytes(idx));
    }

    /** Adds an index.json entry naming {@code target} (ref.name annotation; null for an unnamed entry). */
    public OciLayoutBuilder name(String refName, Descriptor target) throws IOException {
        Descriptor named = refName == null ? target : target.withAnnotations(Map.of(Descriptor.REF_NAME, refName));
        indexEntries.add(named.toJson());
        ObjectNode idx = Json.object();
        idx.put("schemaVersion", 2);
        idx.put("mediaType", MediaType.OCI_INDEX);
        ArrayNode arr = idx.putArray("manifests");
        indexEntries.forEach(arr::add);
        Files.write(dir.resolve("index.json"), Json.bytes(idx));
        return this;
    }

    /** One-call image: layers → manifest → named. */
    public Descriptor image(String refName, Layer... layers) throws IOException {
        Descriptor m = manifest(List.of(layers), new Platform("linux", "amd64", null), false);
        name(refName, m);
        return m;
    }

    private static String dockerLayerType(String oci) {
        switch (oci) {
            case MediaType.OCI_LAYER_GZIP: return MediaType.DOCKER_LAYER_GZIP;
            case MediaType.OCI_LAYER_TAR: return MediaType.DOCKER_LAYER_TAR;
            case MediaType.OCI_LAYER_ZSTD: return MediaType.DOCKER_LAYER_ZSTD;
            default: return oci;
        }
    }

    /** The digest of the uncompressed layer, streamed (layers may expand to hundreds of MiB of zeros). */
    private static Digest diffId(Layer l) throws IOException {
        java.security.MessageDigest md = Digest.newSha256();
        try (InputStream s = uncompressedStream(l)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = s.read(buf)) > 0) md.update(buf, 0, n);
        }
        return Digest.fromRaw(md.digest());
    }

    private static InputStream uncompressedStream(Layer l) throws IOException {
        InputStream in = new ByteArrayInputStream(l.bytes());
        switch (MediaType.layerCompression(l.mediaType())) {
            case GZIP: return new GZIPInputStream(in);
            case ZSTD: return new com.github.luben.zstd.ZstdInputStream(in);
            default: return in;
        }
    }


    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
