package dev.shed.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.core.demo.DemoImage;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void demoStoresListsAndInspectsItsImageTheSameEveryTime() throws Exception {
        Path root = tmp.resolve("root");
        Shed.Result r = Shed.run(root, "demo");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("==> [1/7]", "==> [7/7]", "Loaded image: docker.io/library/shed-demo:latest", "REPOSITORY", "shed-demo",
                "<none>", "ENV DEMO=1");
        assertThat(new String(r.rawOut())).contains("\"schemaVersion\":2").contains("tar+gzip");
        assertThat(r.out()).contains("shed image materialize").contains(".erofs");
        if ("root".equals(System.getProperty("user.name"))) {
            String listing = r.out().substring(r.out().indexOf("==> [7/7]"));
            assertThat(listing).as("mounted lower listed, whiteouts applied").contains("  etc/hostname\n", "  var/cache/fresh.txt\n")
                    .doesNotContain("  etc/motd\n");
        }
        String digest = Shed.run(root, "image", "ls", "--format", "json").out();
        Shed.Result again = Shed.run(tmp.resolve("root2"), "demo");
        assertThat(again.exit()).isZero();
        assertThat(Shed.run(tmp.resolve("root2"), "image", "ls", "--format", "json").out()).as("deterministic demo image").isEqualTo(digest);
    }

    @Test
    void demoImageFlattensAsUmociDoes() throws Exception {
        Integration.requireTool("umoci");
        Path root = tmp.resolve("root");
        assertThat(Shed.run(root, "demo").exit()).isZero();
        Path bundle = tmp.resolve("bundle");
        Processes.check(null, "umoci", "unpack", "--image", root + ":docker.io/library/" + DemoImage.NAME + ":latest", bundle.toString());
        Path rootfs = bundle.resolve("rootfs");
        assertThat(rootfs.resolve("etc/motd")).as("file whiteout applied").doesNotExist();
        assertThat(rootfs.resolve("etc/hostname")).exists();
        try (var s = Files.list(rootfs.resolve("var/cache"))) {
            assertThat(s.map(p -> p.getFileName().toString())).as("opaque dir applied").containsExactly("fresh.txt");
        }
        assertThat(Files.readSymbolicLink(rootfs.resolve("usr/bin/hi"))).isEqualTo(Path.of("hello"));
        assertThat(Files.isSameFile(rootfs.resolve("usr/bin/hello"), rootfs.resolve("usr/bin/hello-again"))).isTrue();
    }
}
