package dev.shed.cli.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shed image prune} in a loop while other shed processes import images: no import ever loses a blob. */
class PruneWhileImportingTest {
    @TempDir
    Path tmp;

    @Test
    void prunesRacingRealImportsNeverBreakAnImage() throws Exception {
        Path root = tmp.resolve("store");
        byte[] shared = noise(0, 64_000);
        List<Process> workers = new ArrayList<>();
        int rounds = 8;
        for (int w = 0; w < 2; w++) {
            Path a = layout(tmp.resolve("w" + w + "a"), shared, noise(10 + w, 80_000));
            Path b = layout(tmp.resolve("w" + w + "b"), shared, noise(20 + w, 80_000));
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-cp", Shed.classPath(), ImportLoop.class.getName(), root.toString(), "w" + w,
                    String.valueOf(rounds), a.toString(), b.toString());
            pb.redirectError(tmp.resolve("w" + w + ".err").toFile());
            workers.add(pb.start());
        }
        int prunes = 0;
        long reclaimed = 0;
        while (workers.stream().anyMatch(Process::isAlive)) {
            Shed.Result r = Shed.run(root, "image", "prune", "--format", "json");
            assertThat(r.exit()).as(r.err()).isZero();
            reclaimed += dev.shed.core.json.Json.mapper().readTree(r.out()).get("reclaimedBytes").asLong();
            prunes++;
        }
        for (int w = 0; w < workers.size(); w++) {
            Process p = workers.get(w);
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out + Files.readString(tmp.resolve("w" + w + ".err"))).isZero();
            assertThat(out.lines().filter(l -> l.startsWith("ok ")).count()).isEqualTo(rounds);
        }
        assertThat(prunes).isGreaterThan(1);
        assertThat(reclaimed).as("the prunes did collect the removed images' blobs").isPositive();
        Shed.Result verify = Shed.run(root, "image", "verify");
        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(Shed.run(root, "image", "ls", "--format", "json").out()).contains("w0-b", "w1-b");
    }

    private static Path layout(Path dir, byte[] shared, byte[] own) throws Exception {
        new OciLayoutBuilder(dir).image("img",
                OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().file("shared.bin", shared, 0644)),
                OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().file("own.bin", own, 0644)));
        return dir;
    }

    private static byte[] noise(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
