package dev.shed.registry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds test images with umoci in OCI layouts and copies them into registries with skopeo. */
public final class TestImages {
    private TestImages() {}

    public static void require() {
        Integration.requireTool("umoci");
        Integration.requireTool("skopeo");
    }

    /** A directory with a few small files whose content depends on {@code seed}. */
    public static Path smallTree(Path dir, int seed) throws IOException {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/hello.txt"), "hello from layer " + seed + "\n");
        randomFile(dir.resolve("data.bin"), 20_000 + seed * 1000L, seed);
        return dir;
    }

    /** A file of {@code size} pseudo-random (incompressible) bytes. */
    public static Path randomFile(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Random r = new Random(seed);
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
        return file;
    }

    /** Creates {@code layout:tag} with one layer per source directory (inserted at /layerN) and the given platform. */
    public static void build(Path layout, String tag, List<Path> layers, String os, String arch) throws Exception {
        require();
        if (!Files.exists(layout.resolve("oci-layout"))) Processes.check(null, "umoci", "init", "--layout", layout.toString());
        String image = layout + ":" + tag;
        Processes.check(null, "umoci", "new", "--image", image);
        for (int i = 0; i < layers.size(); i++) {
            Processes.check(null, "umoci", "insert", "--image", image, layers.get(i).toString(), "/layer" + i);
        }
        Processes.check(null, "umoci", "config", "--image", image, "--os", os, "--architecture", arch);
    }

    /** skopeo copy oci:LAYOUT:TAG docker://DEST (plain HTTP); {@code v2s2} converts to Docker media types. */
    public static void push(Path layout, String tag, String dest, boolean v2s2) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false"));
        if (v2s2) cmd.addAll(List.of("--format", "v2s2"));
        cmd.add("oci:" + layout + ":" + tag);
        cmd.add("docker://" + dest);
        check(cmd);
    }

    /** skopeo copy oci:LAYOUT:TAG docker://DEST over TLS, verifying the registry against the CA in {@code certDir}. */
    public static void pushTls(Path layout, String tag, String dest, Path certDir, String... extraFlags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "copy", "--quiet", "--dest-cert-dir", certDir.toString()));
        cmd.addAll(List.of(extraFlags));
        cmd.add("oci:" + layout + ":" + tag);
        cmd.add("docker://" + dest);
        check(cmd);
    }

    /** The manifest bytes as skopeo reads them over TLS, verifying the registry against the CA in {@code certDir}. */
    public static byte[] rawManifestTls(String ref, Path certDir, String creds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "inspect", "--raw", "--cert-dir", certDir.toString()));
        if (creds != null) cmd.addAll(List.of("--creds", creds));
        cmd.add("docker://" + ref);
        Processes.Result r = Processes.run(null, cmd);
        if (r.exitCode() != 0) throw new AssertionError("skopeo inspect " + ref + ": " + r.stderr());
        return r.stdout().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** skopeo copy --all of an index tag. */
    public static void pushAll(Path layout, String tag, String dest) throws Exception {
        check(List.of("skopeo", "copy", "--quiet", "--all", "--dest-tls-verify=false", "oci:" + layout + ":" + tag, "docker://" + dest));
    }

    /** The registry's raw manifest bytes for a reference, read by skopeo (an independent client). */
    /** The manifest bytes as skopeo reads them with {@code user:password}. */
    public static byte[] rawManifest(String ref, String creds) throws Exception {
        Processes.Result r = Processes.run(null, List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "--creds", creds, "docker://" + ref));
        if (r.exitCode() != 0) throw new AssertionError("skopeo inspect " + ref + ": " + r.stderr());
        return r.stdout().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    public static byte[] rawManifest(String ref) throws Exception {
        Processes.Result r = Processes.run(null, List.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref));
        if (r.exitCode() != 0) throw new AssertionError("skopeo inspect " + ref + ": " + r.stderr());
        return r.stdout().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void check(List<String> cmd) throws Exception {
        Processes.Result r = Processes.run(null, cmd);
        if (r.exitCode() != 0) throw new AssertionError(String.join(" ", cmd) + ": " + r.stderr());
    }

    /**
     * Writes an OCI index naming the manifests of {@code tags} (with their platforms) into the layout as
     * {@code indexTag}; returns the index digest.
     */
    public static Digest writeIndex(Path layout, String indexTag, List<String> tags, List<String[]> platforms) throws IOException {
        JsonNode top = Json.parseObject(Files.readAllBytes(layout.resolve("index.json")), "index.json");
        ObjectNode index = Json.object();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaType.OCI_INDEX);
        ArrayNode ms = index.putArray("manifests");
        for (int i = 0; i < tags.size(); i++) {
            JsonNode d = find(top, tags.get(i));
            ObjectNode m = ms.addObject();
            m.put("mediaType", d.get("mediaType").asText());
            m.put("digest", d.get("digest").asText());
            m.put("size", d.get("size").asLong());
            ObjectNode p = m.putObject("platform");
            p.put("architecture", platforms.get(i)[1]);
            p.put("os", platforms.get(i)[0]);
        }
        byte[] bytes = Json.bytes(index);
        Digest digest = Digest.of(bytes);
        Files.write(layout.resolve("blobs/sha256/" + digest.hex()), bytes);
        ObjectNode entry = Json.object();
        entry.put("mediaType", MediaType.OCI_INDEX);
        entry.put("digest", digest.toString());
        entry.put("size", bytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", indexTag);
        ((ArrayNode) top.get("manifests")).add(entry);
        Files.write(layout.resolve("index.json"), Json.bytes(top));
        return digest;
    }

    private static JsonNode find(JsonNode top, String tag) {
        for (JsonNode d : top.get("manifests")) {
            if (tag.equals(d.path("annotations").path("org.opencontainers.image.ref.name").asText())) return d;
        }
        throw new IllegalArgumentException("no tag " + tag);
    }
}
