package dev.shed.cli.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.flatten.FlattenCasesAccess;
import dev.shed.core.oci.MediaType;
import dev.shed.core.testing.GuestKernelFixture;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shed image verify NAME --boot}: Debian's 6.1 cloud kernel, booted under QEMU on the lower alone, lists
 * what it reads and the harness compares that with the flattener's tree from the layer tars. The materialize
 * differential cases (every flatten rule, devices, fifos, hardlinks incl. a replaced target, long names, big
 * ids, nanosecond mtimes, PAX xattrs) plus binary security.capability / trusted xattrs written by GNU tar must
 * show 0 differences; a lower of another image and a lower the kernel refuses must not pass.
 */
class BootVerifyCommandTest {
    @TempDir
    Path tmp;
    Path root;

    Result shed(String... args) {
        return Shed.run(root, args);
    }

    @BeforeEach
    void images() throws Exception {
        Path kernel = GuestKernelFixture.require();
        Integration.requireRoot(); // setting security.capability / trusted.* on the source files
        Integration.requireTool("setfattr");
        root = tmp.resolve("store");
        Path src = Files.createDirectories(tmp.resolve("src/usr/sbin"));
        Path ping = Files.writeString(src.resolve("ping"), "ping binary");
        Processes.check(null, "setfattr", "-n", "security.capability", "-v", "0x0100000200200000000000000000000000000000", ping.toString());
        Processes.check(null, "setfattr", "-n", "trusted.bin", "-v", "0xff00fe80", ping.toString());
        Path tar = tmp.resolve("caps.tar");
        Processes.check(tmp.resolve("src"), "tar", "--xattrs", "--xattrs-include=*", "--format=pax", "-cf", tar.toString(), "usr");

        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        List<OciLayoutBuilder.Layer> layers = new ArrayList<>(List.of(FlattenCasesAccess.kitchenSink(false)));
        layers.add(new OciLayoutBuilder.Layer(MediaType.OCI_LAYER_TAR, Files.readAllBytes(tar)));
        b.image("sink", layers.toArray(OciLayoutBuilder.Layer[]::new));
        b.image("other", OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/passwd", "someone else\n")));
        Result r = shed("image", "build", "--from-oci-archive", b.dir().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(shed("config", "set", "vm.kernel", kernel.toString()).exit()).isZero();
    }

    @Test
    void theGuestSeesExactlyTheFlattenedTree() {
        Result ok = shed("image", "verify", "sink", "--boot");
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).matches("(?s)\\d+ entries, 0 differences\\n");
        int entries = Integer.parseInt(ok.out().substring(0, ok.out().indexOf(' ')));
        assertThat(entries).isGreaterThan(40);
    }

    /** The same check on a shared lower: metadata image + per-layer data devices, one more disk each. */
    @Test
    void theGuestSeesTheSameTreeOnASharedLower() {
        Result layout = shed("config", "set", "materialize.layout", "shared");
        org.junit.jupiter.api.Assumptions.assumeTrue(layout.exit() == 0 || !layout.err().contains("unknown config key"),
                "this build has no shared lowers (materialize.layout)");
        assertThat(layout.exit()).as(layout.err()).isZero();
        Result ok = shed("image", "verify", "sink", "--boot");
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).matches("(?s)\\d+ entries, 0 differences\\n");
    }

    @Test
    void aLowerOfAnotherImageOrOneTheKernelRefusesFails() throws Exception {
        Result materialized = shed("image", "materialize", "-q", "other");
        assertThat(materialized.exit()).as(materialized.err()).isZero();
        Path otherLower = Path.of(materialized.out().strip());
        Result wrong = shed("image", "verify", "sink", "--boot", "--lower", otherLower.toString());
        assertThat(wrong.exit()).as(wrong.out() + wrong.err()).isEqualTo(1);
        assertThat(wrong.out()).contains("/usr/sbin/ping: missing in the guest", "/data/keep: missing in the guest",
                "/etc/passwd: sha256 ", "/etc/passwd: size 26 expected, guest has 13");
        assertThat(wrong.out().lines().reduce((a, c) -> c).orElseThrow()).matches("\\d+ entries, [1-9]\\d* differences");

        Path garbage = Files.write(tmp.resolve("garbage.erofs"), new byte[1 << 20]);
        Result refused = shed("image", "verify", "sink", "--boot", "--lower", garbage.toString());
        assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
        assertThat(refused.errLines()).hasSize(2); // the TCG warning, then the error
        assertThat(refused.errLines().get(1)).startsWith("shed: error: the guest did not list the lower: guest: mount erofs lower:");
    }
}
