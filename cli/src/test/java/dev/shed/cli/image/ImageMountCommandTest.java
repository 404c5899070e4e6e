package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.json.Json;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shed image mount/umount} with shared lowers (root): through the command line, against the kernel's mount
 * table and {@code losetup -a}; and a mount killed with SIGKILL at random points leaves nothing that the next
 * {@code umount}/{@code prune} cannot clean.
 */
class ImageMountCommandTest {
    @TempDir
    Path tmp;
    Path root;
    byte[] tool = noise(5, 50_000);
    byte[] sh = noise(6, 40_000);

    Result shed(String... args) {
        return Shed.run(root, args);
    }

    JsonNode json(Result r) throws Exception {
        assertThat(r.exit()).as(r.err()).isZero();
        return Json.mapper().readTree(r.out());
    }

    static byte[] noise(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        for (int i = 0; i < n; i += 2) b[i] = 'a'; // compressible: pclusters of real LZ4 data on the devices
        return b;
    }

    @BeforeEach
    void importImages() throws Exception {
        Integration.requireRoot();
        Integration.requireTool("losetup");
        root = tmp.resolve("store");
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        var l1 = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/os-release", "ID=debian\n")
                .dir("bin").file("bin/sh", sh, 0755)); // big enough to live on the layer's data device
        var l2 = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().dir("opt").file("opt/tool", tool, 0755));
        b.image("base", l1);
        b.image("full", l1, l2);
        Result r = shed("image", "build", "--from-oci-archive", b.dir().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(shed("config", "set", "materialize.layout", "shared").exit()).isZero();
        assertThat(shed("config", "set", "materialize.compression", "lz4").exit()).isZero();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (root == null) return;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mp = line.split(" ")[4];
            if (mp.startsWith(tmp.toString())) Processes.run(null, List.of("umount", "-l", mp));
        }
        for (String line : Processes.check(null, "losetup", "-a").lines().toList()) {
            if (line.contains(tmp.toRealPath().toString())) Processes.run(null, List.of("losetup", "-d", line.substring(0, line.indexOf(':'))));
        }
    }

    /** {@code losetup -a} lines naming a file of this test's store (loops are shared with everything on the host). */
    long ourLoops() throws Exception {
        String r = root.toRealPath().toString();
        return Processes.check(null, "losetup", "-a").lines().filter(l -> l.contains(r)).count();
    }

    boolean mounted(Path dir) throws Exception {
        String want = dir.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.split(" ")[4].equals(want));
    }

    @Test
    void mountShowsTheImageReadOnlyDfCountsItsDevicesPruneKeepsThemUmountReleasesThem() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mnt"));
        Result m = shed("image", "mount", "-q", "full", dir.toString());
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(m.out()).isEqualTo(dir.toRealPath() + "\n");
        assertThat(mounted(dir)).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("opt/tool"))).isEqualTo(tool);
        assertThat(Files.readString(dir.resolve("etc/os-release"))).isEqualTo("ID=debian\n");
        assertThat(Files.readAllBytes(dir.resolve("bin/sh"))).isEqualTo(sh);
        assertThat(ourLoops()).as("image + two data devices").isEqualTo(3);
        assertThat(Processes.run(null, List.of("touch", dir.resolve("x").toString())).exitCode()).as("read-only").isNotZero();

        JsonNode df = json(shed("image", "df", "--format", "json"));
        JsonNode lower = df.get("lowers").get("items").get(0);
        assertThat(lower.get("layout").asText()).isEqualTo("shared");
        assertThat(lower.get("running").asBoolean()).isTrue();
        assertThat(lower.get("devices")).hasSize(2);
        assertThat(df.get("devices").get("count").asInt()).isEqualTo(2);
        assertThat(df.get("devices").get("items").get(0).get("inUse").asBoolean()).isTrue();
        assertThat(shed("image", "df").out()).contains("Data devices (cache/layers)", "LAYOUT", "SHARED", "UNIQUE", "mounted");

        assertThat(shed("image", "rm", "full").exit()).isZero();
        JsonNode pruned = json(shed("image", "prune", "-a", "--format", "json"));
        for (JsonNode i : pruned.get("removed")) assertThat(i.get("kind").asText()).isNotIn("lower", "device");
        assertThat(Files.readAllBytes(dir.resolve("opt/tool"))).isEqualTo(tool);

        Result u = shed("image", "umount", dir.toString());
        assertThat(u.exit()).as(u.err()).isZero();
        assertThat(u.out()).isEqualTo(dir.toRealPath() + "\n");
        assertThat(mounted(dir)).isFalse();
        assertThat(ourLoops()).isZero();
        Result again = shed("image", "umount", dir.toString());
        assertThat(again.exit()).isEqualTo(3);
        assertThat(again.err()).contains("not a shed image mount: " + dir.toRealPath());

        JsonNode after = json(shed("image", "prune", "-a", "--format", "json"));
        assertThat(after.get("removed").findValuesAsText("kind")).contains("lower", "device");
        assertThat(root.resolve("cache/layers/sha256")).isEmptyDirectory();
    }

    @Test
    void mountJsonNamesTheLowerAndItsDevicesInMountOrder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mnt"));
        JsonNode j = json(shed("image", "mount", "--format", "json", "full", dir.toString()));
        assertThat(j.get("dir").asText()).isEqualTo(dir.toRealPath().toString());
        assertThat(j.get("image").asText()).isEqualTo("docker.io/library/full:latest");
        assertThat(j.get("lower").asText()).endsWith(j.get("manifest").asText().substring(7) + ".erofs");
        JsonNode inspect = json(shed("image", "inspect", "full", "--format", "json"));
        assertThat(j.get("devices")).hasSize(2);
        assertThat(Path.of(j.get("devices").get(0).asText()).getFileName().toString())
                .startsWith(inspect.findValue("layers").get(0).get("digest").asText().substring(7));
        assertThat(shed("image", "mount", "base", dir.toString()).exit()).as("already mounted there").isEqualTo(4);
        assertThat(shed("image", "mount", "base", tmp.resolve("nope").toString()).exit()).isEqualTo(2);
        assertThat(shed("image", "umount", dir.toString()).exit()).isZero();
        assertThat(ourLoops()).isZero();
    }

    @Test
    void aMountKilledAtAnyPointLeavesNothingTheNextUmountAndPruneCannotClean() throws Exception {
        assertThat(shed("image", "materialize", "-q", "full").exit()).isZero(); // the kill should hit the mount, not the build
        Path dir = Files.createDirectories(tmp.resolve("mnt"));
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Random random = new Random(7);
        List<String> outcomes = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            Process p = Shed.start(root, logs, "mount" + round, "image", "mount", "-q", "full", dir.toString());
            Thread.sleep(300 + random.nextInt(1500)); // JVM start-up is most of it: kills land before, in and after the mount
            p.destroyForcibly();
            p.waitFor(1, TimeUnit.MINUTES);
            outcomes.add(mounted(dir) ? "mounted" : "not mounted");
            Result u = shed("image", "umount", dir.toString());
            assertThat(u.exit()).as(u.err()).isIn(0, 3);
            shed("image", "prune", "--cache-only");
            assertThat(mounted(dir)).isFalse();
            assertThat(ourLoops()).as("round " + round + ": " + outcomes).isZero();
            assertThat(root.resolve("shed/image-mounts")).satisfiesAnyOf(d -> assertThat(d).doesNotExist(), d -> assertThat(d).isEmptyDirectory());
        }
        Result m = shed("image", "mount", "-q", "full", dir.toString());
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("opt/tool"))).isEqualTo(tool);
        assertThat(shed("image", "umount", dir.toString()).exit()).isZero();
        assertThat(ourLoops()).isZero();
    }
}
