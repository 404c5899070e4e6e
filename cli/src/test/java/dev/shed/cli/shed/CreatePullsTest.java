package dev.shed.cli.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.json.Json;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import dev.shed.registry.testing.TestImages;
import dev.shed.registry.testing.TestRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shed create --image HOST/REPO:TAG} pulls a missing image from a real registry, then pins it. */
class CreatePullsTest {
    @TempDir
    Path tmp;

    @Test
    void createPullsAMissingRegistryImageButNeverABareName() throws Exception {
        // what this test runs: a registry, skopeo to fill it (the image is written by OciLayoutBuilder, not umoci),
        // and shed's own Java EROFS writer (the default backend) for the lower: no mkfs.erofs
        TestRegistry.require();
        Integration.requireTool("skopeo");
        try (TestRegistry registry = TestRegistry.anonymous(tmp.resolve("registry"))) {
            Path layout = tmp.resolve("layout");
            new OciLayoutBuilder(layout).image("small", OciLayoutBuilder.Layer.gzip(new TarLayerBuilder()
                    .dir("etc").file("etc/hello.txt", "hello\n")));
            String ref = registry.host() + "/lifecycle/small:1";
            TestImages.push(layout, "small", ref, false);
            Path root = tmp.resolve("store");

            Result bare = Shed.run(root, "create", "a", "--image", "small");
            assertThat(bare.exit()).isEqualTo(3);
            assertThat(bare.errLines()).containsExactly("shed: error: no such image: docker.io/library/small:latest");

            Result c = Shed.run(root, "create", "dev", "--image", ref);
            assertThat(c.exit()).as(c.err()).isZero();
            var ls = Json.mapper().readTree(Shed.run(root, "ls", "--format", "json").out());
            assertThat(ls.get(0).get("image").asText()).isEqualTo(ref);
            var images = Json.mapper().readTree(Shed.run(root, "image", "ls", "--format", "json").out());
            assertThat(images).hasSize(1);
            assertThat(images.get(0).get("name").asText()).isEqualTo(ref);
            assertThat(images.get(0).get("inUse").asInt()).isEqualTo(1);
            assertThat(images.get(0).get("cached").asBoolean()).isTrue();
            assertThat(Shed.run(root, "image", "verify").exit()).isZero();
        }
    }
}
