package dev.shed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-name commands try every name, report each failure on its own line and exit with the first failure's code. */
class EachNameTest {
    @TempDir
    Path tmp;

    @Test
    void everyNameIsTriedAndEachFailureIsOneLine() throws Exception {
        Path root = tmp.resolve("root");
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("kept", OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().file("a", "a\n")));
        b.image("gone", OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().file("b", "b\n")));
        assertThat(Shed.run(root, "image", "build", "--from-oci-archive", b.dir().toString()).exit()).isZero();

        Shed.Result r = Shed.run(root, "image", "rm", "missing", "gone", "BAD");
        assertThat(r.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(r.out()).contains("Untagged: docker.io/library/gone:latest");
        assertThat(r.errLines()).hasSize(2);
        assertThat(r.errLines().get(0)).isEqualTo("shed: error: no such image: docker.io/library/missing:latest");
        assertThat(r.errLines().get(1)).startsWith("shed: error: invalid reference 'BAD'");
        assertThat(Shed.run(root, "image", "ls", "--format", "json").out()).contains("kept").doesNotContain("gone");

        Shed.Result sheds = Shed.run(root, "rm", "nope1", "nope2");
        assertThat(sheds.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(sheds.errLines()).containsExactly("shed: error: no such shed: nope1", "shed: error: no such shed: nope2");
    }
}
