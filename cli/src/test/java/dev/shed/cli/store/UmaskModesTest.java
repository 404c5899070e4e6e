package dev.shed.cli.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.OciLayoutBuilder.Layer;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 7: modes do not follow the umask. Shed runs in child processes started under {@code umask 000}
 * (bash sets it, then execs java) and makes a store from nothing: build, materialize, config, a shed, a snapshot,
 * prune. find(1) then reports the mode of every path, compared with the documented table (README, "Store layout").
 */
class UmaskModesTest {
    @TempDir
    Path tmp;

    private void shed(Path root, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "umask 000; exec \"$@\"", "bash",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC", "-cp",
                Shed.classPath(), "dev.shed.cli.Main", "--root", root.toString()));
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(null, cmd);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.stderr()).isZero();
    }

    /** The documented mode of each store path (relative to the root), by where it is. */
    private static String expected(String path, char type) {
        if (type == 'd') {
            return path.equals("shed/tmp") || path.equals("shed/ingest") || path.equals("shed/locks")
                    || path.endsWith("/work") && path.startsWith("shed/sheds/") ? "700" : "755";
        }
        if (path.startsWith("blobs/sha256/") || path.endsWith(".erofs") || path.endsWith(".erofsdev")
                || path.endsWith(".erofsdev.idx")) return "444";
        if (path.startsWith("shed/locks/")) return "600";
        return "644";
    }

    @Test
    void everyPathTheStoreCreatesHasItsDocumentedModeUnderUmask000() throws Exception {
        Path root = tmp.resolve("new/store");
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("app", Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/a", "alpha")));
        shed(root, "image", "build", "--from-oci-archive", b.dir().toString());
        shed(root, "image", "materialize", "-q", "--layout", "shared", "app");  // data devices and their indexes
        shed(root, "image", "materialize", "-q", "app");
        shed(root, "config", "set", "eviction.policy", "lru");
        shed(root, "create", "dev", "--image", "app");
        shed(root, "snapshot", "dev", "snap1");
        shed(root, "image", "prune");

        String listing = Processes.check(null, "find", root.toString(), "-printf", "%m %y %P\n");
        Map<String, String> wrong = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        for (String line : listing.strip().split("\n")) {
            String[] f = line.split(" ", 3);
            String path = f.length > 2 ? f[2] : "";
            seen.add(path);
            String want = expected(path, f[1].charAt(0));
            if (!f[0].equals(want)) wrong.put(path.isEmpty() ? "(root)" : path, f[0] + " (want " + want + ")");
        }
        assertThat(wrong).as("modes under umask 000").isEmpty();
        assertThat(seen).contains("", "shed", "shed/tmp", "shed/ingest", "shed/locks", "shed/config.json", "index.json",
                "oci-layout", "shed/sheds/dev/upper", "shed/sheds/dev/work", "shed/sheds/dev.json");
        assertThat(seen).anyMatch(p -> p.startsWith("cache/sha256/") && p.endsWith(".erofs"));
        assertThat(seen).anyMatch(p -> p.startsWith("shed/locks/") && p.endsWith(".lock"));
        assertThat(seen).anyMatch(p -> p.startsWith("shed/usage/"));
        assertThat(Processes.check(null, "stat", "-c", "%a", root.getParent().toString()).strip())
                .as("a missing parent of the root is created 0755 too").isEqualTo("755");
    }
}
