package dev.shed.cli.shed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.json.Json;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** shed create/ls/rm/start/stop/snapshot, image prune/df/verify/ls, config: through the command line. */
class LifecycleCommandsTest {
    @TempDir
    Path tmp;
    Path root;

    Result shed(String... args) {
        return Shed.run(root, args);
    }

    JsonNode json(Result r) throws Exception {
        assertThat(r.exit()).as(r.err()).isZero();
        return Json.mapper().readTree(r.out());
    }

    @BeforeEach
    void importImages() throws Exception {
        root = tmp.resolve("store");
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        var l1 = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/os-release", "ID=debian\n"));
        var l2 = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().dir("opt").file("opt/tool", "tool\n"));
        b.image("base", l1);
        b.image("full", l1, l2);
        Result r = shed("image", "build", "--from-oci-archive", b.dir().toString());
        assertThat(r.exit()).as(r.err()).isZero();
    }

    @AfterEach
    void stopEverything() {
        if (root != null && Files.isDirectory(root.resolve("shed/sheds"))) {
            try (var s = Files.list(root.resolve("shed/sheds"))) {
                for (Path p : s.toList()) {
                    String n = p.getFileName().toString();
                    if (n.endsWith(".json")) shed("stop", n.substring(0, n.length() - 5));
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void createListSnapshotRemoveAndImageLsColumns() throws Exception {
        Result c = shed("create", "dev", "--image", "full");
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(c.out()).isEqualTo("dev\n");
        assertThat(c.err()).contains("lower ready: " + root.resolve("cache/sha256"));

        JsonNode ls = json(shed("ls", "--format", "json"));
        assertThat(ls).hasSize(1);
        assertThat(ls.get(0).get("name").asText()).isEqualTo("dev");
        assertThat(ls.get(0).get("image").asText()).isEqualTo("docker.io/library/full:latest");
        assertThat(ls.get(0).get("status").asText()).isEqualTo("stopped");
        String manifest = ls.get(0).get("manifest").asText();
        assertThat(Files.exists(root.resolve("cache/sha256/" + manifest.substring(7) + ".erofs"))).isTrue();
        assertThat(shed("ls").out()).startsWith("NAME").contains("dev", manifest.substring(7, 19), "stopped");

        JsonNode images = json(shed("image", "ls", "--format", "json"));
        for (JsonNode i : images) {
            boolean full = i.get("name").asText().endsWith("/full:latest");
            assertThat(i.get("inUse").asInt()).isEqualTo(full ? 1 : 0);
            assertThat(i.get("cached").asBoolean()).isEqualTo(full);
            assertThat(i.has("digest") && i.has("size") && i.has("layers")).isTrue();
        }
        assertThat(shed("image", "ls").out().lines().findFirst().orElseThrow()).contains("IN USE", "CACHED");

        assertThat(shed("snapshot", "dev", "snap").exit()).isZero();
        JsonNode snaps = json(shed("snapshot", "ls", "--format", "json"));
        assertThat(snaps.get(0).get("shed").asText()).isEqualTo("dev");
        assertThat(snaps.get(0).get("manifest").asText()).isEqualTo(manifest);
        assertThat(shed("create", "copy", "--from-snapshot", "snap").exit()).isZero();

        Result dup = shed("create", "dev", "--image", "base");
        assertThat(dup.exit()).isEqualTo(4);
        assertThat(dup.errLines()).containsExactly("shed: error: shed dev already exists");
        assertThat(shed("create", "x", "--image", "nope").exit()).isEqualTo(3);
        assertThat(shed("create", "x").exit()).isEqualTo(2);
        assertThat(shed("rm", "ghost").errLines()).containsExactly("shed: error: no such shed: ghost");

        assertThat(shed("rm", "dev", "copy").out()).isEqualTo("dev\ncopy\n");
        assertThat(shed("snapshot", "rm", "snap").exit()).isZero();
        assertThat(json(shed("ls", "--format", "json"))).isEmpty();
    }

    @Test
    void pruneDfVerifyAndConfig() throws Exception {
        assertThat(shed("create", "dev", "--image", "base").exit()).isZero();
        assertThat(shed("image", "rm", "full").exit()).isZero();

        JsonNode df = json(shed("image", "df", "--format", "json"));
        long wouldReclaim = df.get("reclaimable").get("default").get("bytes").asLong();
        assertThat(wouldReclaim).isPositive();
        assertThat(df.get("images")).hasSize(1);
        assertThat(shed("image", "df").out()).contains("Prune would reclaim:", "shed image prune --layer-cache");

        Result dry = shed("image", "prune", "--dry-run");
        assertThat(dry.out()).contains("would be deleted: sha256:").contains("Total reclaimable space: ");
        JsonNode done = json(shed("image", "prune", "--format", "json"));
        assertThat(done.get("reclaimedBytes").asLong()).isEqualTo(wouldReclaim);
        assertThat(shed("image", "prune").out()).isEqualTo("Total reclaimed space: 0B\n");
        assertThat(shed("image", "prune", "--all", "--cache-only").exit()).isEqualTo(2);

        Result ok = shed("image", "verify");
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).startsWith("OK: 1 index entries, 1 shed/snapshot pins");
        Result inspect = shed("image", "inspect", "base");
        String layer = Json.mapper().readTree(inspect.rawOut()).get("layers").get(0).get("digest").asText();
        Path blob = root.resolve("blobs/sha256/" + layer.substring(7));
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(blob, "tampered".getBytes(StandardCharsets.UTF_8));
        Result bad = shed("image", "verify");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).contains("problem: blob " + layer + ": content does not match its digest");

        assertThat(shed("config", "get", "eviction.policy").out()).isEqualTo("manual\n");
        Result lru = shed("config", "set", "eviction.policy", "lru");
        assertThat(lru.exit()).isZero();
        assertThat(lru.err()).contains("note: eviction.policy lru evicts nothing until cache.budget is set");
        Result badSet = shed("config", "set", "cache.budget", "huge");
        assertThat(badSet.exit()).isEqualTo(2);
        assertThat(badSet.errLines()).hasSize(1);
        assertThat(badSet.err()).contains("cache.budget", "huge");
        assertThat(shed("config", "set", "cache.budget", "1G").exit()).isZero();
        JsonNode cfg = json(shed("config", "--format", "json"));
        assertThat(cfg.get("eviction.policy").asText()).isEqualTo("lru");
        assertThat(cfg.get("cache.budget").asLong()).isEqualTo(1L << 30);
        assertThat(shed("config").out()).contains("eviction.policy", "lru", "config", "default");
        assertThat(shed("config", "unset", "cache.budget").exit()).isZero();
        assertThat(shed("config", "get", "cache.budget").out()).isEqualTo("none\n");
    }

    @Test
    void startMountsAndRunningShedsAreProtected() throws Exception {
        Integration.requireRoot();
        assertThat(shed("create", "dev", "--image", "full", "--runtime", "mount").exit()).isZero();
        Result start = shed("start", "dev");
        assertThat(start.exit()).as(start.err()).isZero();
        Path rootfs = Path.of(start.out().strip());
        assertThat(rootfs).isEqualTo(root.resolve("shed/mounts/dev/rootfs"));
        assertThat(Files.readString(rootfs.resolve("opt/tool"))).isEqualTo("tool\n");
        assertThat(Files.readString(rootfs.resolve("etc/os-release"))).isEqualTo("ID=debian\n");
        assertThat(json(shed("ls", "--format", "json")).get(0).get("status").asText()).isEqualTo("running");

        Result rm = shed("rm", "dev");
        assertThat(rm.exit()).isEqualTo(4);
        assertThat(rm.err()).contains("running", "--force");
        assertThat(shed("image", "rm", "full").exit()).isZero();
        for (List<String> mode : List.<List<String>>of(List.of(), List.of("--cache-only"), List.of("--layer-cache"), List.of("--all"))) {
            List<String> args = new java.util.ArrayList<>(List.of("image", "prune"));
            args.addAll(mode);
            assertThat(shed(args.toArray(String[]::new)).exit()).isZero();
            assertThat(Files.readString(rootfs.resolve("opt/tool"))).as(mode.toString()).isEqualTo("tool\n");
        }
        assertThat(shed("image", "verify").exit()).isZero();
        assertThat(shed("stop", "dev").exit()).isZero();
        assertThat(json(shed("ls", "--format", "json")).get(0).get("status").asText()).isEqualTo("stopped");
        assertThat(shed("rm", "dev").exit()).isZero();
    }
}
