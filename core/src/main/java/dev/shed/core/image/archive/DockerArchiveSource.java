package dev.shed.core.image.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.ImageConfig;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Reference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code docker save} archive in the classic layout (manifest.json + &lt;id&gt;.json configs + layer tars).
 *
 * <p>Such an archive holds no manifest, so one is generated: a Docker v2 schema2 manifest whose config is the
 * archive's config file verbatim (its digest is docker's image ID) and whose layers are the layer files as
 * {@code docker save} stores them, i.e. uncompressed tars with media type
 * {@code application/vnd.docker.image.rootfs.diff.tar} (digest = diff_id). The manifest is compact JSON in the
 * field order Docker and containers/image use (schemaVersion, mediaType, config, layers; each descriptor
 * mediaType, size, digest), so its digest is a pure function of config and layers: the same archive always gives
 * the same manifest digest. It is NOT the digest the image had in a registry (that manifest references
 * compressed layers); it equals what skopeo reports for {@code docker-archive:} except that skopeo labels the
 * uncompressed layers as tar.gzip.
 */
final class DockerArchiveSource implements ImageSource {
    private static final long CONFIG_LIMIT = 64L << 20;

    private final ArchiveFiles files;
    private final List<SourceImage> images = new ArrayList<>();
    private final Map<Digest, String> paths = new HashMap<>();
    private final Map<Digest, byte[]> generated = new HashMap<>();

    DockerArchiveSource(ArchiveFiles files) throws IOException {
        this.files = files;
        String where = files.describe() + ": manifest.json";
        JsonNode root = Json.parse(files.read("manifest.json", 16L << 20), where);
        if (!root.isArray()) throw new IllegalArgumentException(where + ": expected a JSON array of images");
        for (int i = 0; i < root.size(); i++) addImage(root.get(i), where + " entry " + i);
    }

    private void addImage(JsonNode entry, String where) throws IOException {
        String configPath = Json.text(entry, "Config");
        if (configPath == null) throw new IllegalArgumentException(where + ": no Config");
        byte[] config = files.read(TarFiles.normalise(configPath), CONFIG_LIMIT);
        Digest configDigest = Digest.of(config);
        paths.put(configDigest, TarFiles.normalise(configPath));
        ImageConfig cfg = ImageConfig.parse(config, where + " config " + configPath);
        JsonNode layers = entry.get("Layers");
        if (layers == null || !layers.isArray()) throw new IllegalArgumentException(where + ": no Layers array");
        if (layers.size() != cfg.diffIds().size()) {
            throw new IllegalArgumentException(where + ": " + layers.size() + " layers but the config lists "
                    + cfg.diffIds().size() + " diff_ids");
        }
        List<Descriptor> layerDescs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String path = TarFiles.normalise(layers.get(i).asText());
            String[] kind = sniff(path);
            Digest d = kind[1] != null ? Digest.parse(kind[1]) : digestOf(path, cfg.diffIds().get(i), where + " layer " + i);
            paths.put(d, path);
            layerDescs.add(new Descriptor(kind[0], d, files.size(path)));
        }
        byte[] manifest = manifestBytes(new Descriptor(MediaType.DOCKER_CONFIG, configDigest, config.length), layerDescs);
        Digest md = Digest.of(manifest);
        generated.put(md, manifest);
        Descriptor target = new Descriptor(MediaType.DOCKER_MANIFEST, md, manifest.length);
        JsonNode tags = entry.get("RepoTags");
        if (tags == null || !tags.isArray() || tags.isEmpty()) {
            images.add(new SourceImage(target, null));
        } else {
            for (JsonNode t : tags) {
                String name;
                try {
                    name = Reference.parse(t.asText()).toString();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": RepoTag '" + t.asText() + "': " + e.getMessage());
                }
                images.add(new SourceImage(target, name));
            }
        }
    }

    /** [media type, digest-from-path or null]: uncompressed tars are the classic form; compressed ones are hashed. */
    private String[] sniff(String path) throws IOException {
        byte[] head;
        try (InputStream in = files.open(path)) {
            head = in.readNBytes(4);
        }
        String fromPath = path.startsWith("blobs/sha256/") ? "sha256:" + path.substring("blobs/sha256/".length()) : null;
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) return new String[] {MediaType.DOCKER_LAYER_GZIP, fromPath};
        if (head.length == 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5) return new String[] {MediaType.DOCKER_LAYER_ZSTD, fromPath};
        return new String[] {MediaType.DOCKER_LAYER_TAR, fromPath};
    }

    /** An uncompressed layer's digest is its diff_id (verified at ingest); a compressed one's is hashed here. */
    private Digest digestOf(String path, String diffId, String where) throws IOException {
        if (MediaType.DOCKER_LAYER_TAR.equals(sniff(path)[0])) {
            try {
                return Digest.parse(diffId);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": diff_id: " + e.getMessage());
            }
        }
        var sha = Digest.newSha256();
        try (InputStream in = files.open(path)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) sha.update(buf, 0, n);
        }
        return Digest.fromRaw(sha.digest());
    }

    static byte[] manifestBytes(Descriptor config, List<Descriptor> layers) {
        StringBuilder b = new StringBuilder();
        b.append("{\"schemaVersion\":2,\"mediaType\":\"").append(MediaType.DOCKER_MANIFEST).append("\",\"config\":");
        descriptor(b, config);
        b.append(",\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0) b.append(',');
            descriptor(b, layers.get(i));
        }
        b.append("]}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void descriptor(StringBuilder b, Descriptor d) {
        b.append("{\"mediaType\":\"").append(d.mediaType()).append("\",\"size\":").append(d.size())
                .append(",\"digest\":\"").append(d.digest()).append("\"}");
    }

    @Override
    public String describe() {
        return files.describe();
    }

    @Override
    public List<SourceImage> images() {
        return images;
    }

    @Override
    public boolean has(Digest d) {
        return generated.containsKey(d) || paths.containsKey(d);
    }

    @Override
    public long size(Digest d) throws IOException {
        byte[] g = generated.get(d);
        if (g != null) return g.length;
        return files.size(path(d));
    }

    @Override
    public InputStream open(Digest d) throws IOException {
        byte[] g = generated.get(d);
        if (g != null) return new ByteArrayInputStream(g);
        return files.open(path(d));
    }

    private String path(Digest d) throws java.nio.file.NoSuchFileException {
        String p = paths.get(d);
        if (p == null) throw new java.nio.file.NoSuchFileException(files.describe() + ": blob " + d);
        return p;
    }

    @Override
    public void close() throws IOException {
        files.close();
    }
}
