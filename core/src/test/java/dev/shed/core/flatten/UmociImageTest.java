package dev.shed.core.flatten;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.json.Json;
import dev.shed.core.oci.Digest;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.Umoci;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image written by umoci (its own tar and whiteout encoding), merged by shed and unpacked by umoci. */
class UmociImageTest {
    @TempDir
    Path tmp;

    @Test
    void umociBuiltImageMatchesUmociUnpack() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path etc = Files.createDirectories(src.resolve("etc"));
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n");
        Files.writeString(etc.resolve("gone"), "deleted later\n");
        Files.createDirectories(etc.resolve("sub/deeper"));
        Files.writeString(etc.resolve("sub/deeper/f"), "deep\n");
        Files.createLink(etc.resolve("hosts.hard"), etc.resolve("hosts"));
        Files.createSymbolicLink(etc.resolve("abs"), Path.of("/etc/hosts"));
        Processes.check(null, "chown", "123456:654321", etc.resolve("hosts").toString());
        Processes.check(null, "chmod", "4750", etc.resolve("hosts").toString());
        Processes.check(null, "setfattr", "-n", "user.note", "-v", "kept", etc.resolve("sub/deeper/f").toString());
        Processes.check(null, "mkfifo", etc.resolve("fifo").toString());
        Processes.check(null, "mknod", etc.resolve("null").toString(), "c", "1", "3");
        Path replacement = Files.createDirectories(tmp.resolve("replacement"));
        Files.writeString(replacement.resolve("only"), "opaque replacement\n");

        Umoci umoci = Umoci.init(tmp.resolve("layout"), "img");
        umoci.insert("img", etc, "/etc")
                .whiteout("img", "/etc/gone")
                .opaque("img", replacement, "/etc/sub")
                .insert("img", replacement.resolve("only"), "/etc/gone");
        Path expected = umoci.unpack("img", tmp.resolve("bundle")).toAbsolutePath();

        Digest manifest = manifestOf(umoci.layout(), "img");
        FlattenDifferentialTest t = new FlattenDifferentialTest();
        t.tmp = tmp;
        Map<String, String> want = TreeSnapshot.of(expected, false);
        assertThat(want).containsKeys("etc/gone", "etc/sub/only", "etc/fifo").doesNotContainKey("etc/sub/deeper");
        assertThat(TreeSnapshot.of(t.exportAndExtract(umoci.layout(), manifest), false)).isEqualTo(want);
    }

    static Digest manifestOf(Path layout, String tag) throws Exception {
        var index = Json.parseObject(Files.readAllBytes(layout.resolve("index.json")), "index.json");
        for (var m : index.get("manifests")) {
            if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                return Digest.parse(m.get("digest").asText());
            }
        }
        throw new AssertionError("no tag " + tag);
    }
}
