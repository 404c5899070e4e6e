package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.ShedCommand;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.store.Store;
import dev.shed.registry.testing.FaultProxy;
import dev.shed.registry.testing.TestImages;
import dev.shed.registry.testing.TestRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The pull and push commands end to end, including a pull killed with SIGKILL and resumed. */
class ImagePullPushCommandTest {
    static final long BIG = 64L * 1024 * 1024;
    static TestRegistry registry;
    static Manifest big;
    static Path bigDir;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        TestRegistry.require();
        TestImages.require();
        registry = TestRegistry.anonymous(dir.resolve("registry"));
        Path layout = dir.resolve("layout");
        TestImages.build(layout, "small", List.of(TestImages.smallTree(dir.resolve("s"), 1)), "linux", "amd64");
        TestImages.push(layout, "small", registry.host() + "/cli/small:1", false);
        bigDir = dir.resolve("big");
        TestImages.randomFile(bigDir.resolve("random.bin"), BIG, 42);
        TestImages.build(layout, "big", List.of(bigDir), "linux", "amd64");
        TestImages.push(layout, "big", registry.host() + "/cli/big:1", false);
        big = Manifest.parse(TestImages.rawManifest(registry.host() + "/cli/big:1"), MediaType.OCI_MANIFEST);
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) registry.close();
    }

    record Run(int exit, String out, String err) {}

    private Run shed(String... args) {
        CommandLine cl = ShedCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void quietPullAndPushPrintNameAndDigest() throws Exception {
        Path root = tmp.resolve("root");
        String ref = registry.host() + "/cli/small:1";
        Run pull = shed("--root", root.toString(), "image", "pull", "-q", ref);
        assertThat(pull.exit()).as(pull.err()).isZero();
        Digest d = Digest.of(TestImages.rawManifest(ref));
        assertThat(pull.out().trim()).isEqualTo(ref + "@" + d);

        Run push = shed("--root", root.toString(), "image", "push", "--quiet", ref, registry.host() + "/cli/copy:2");
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(push.out().trim()).isEqualTo(registry.host() + "/cli/copy:2@" + d);
        assertThat(Digest.of(TestImages.rawManifest(registry.host() + "/cli/copy:2"))).isEqualTo(d);
    }

    @Test
    void plainProgressWhenNotATerminal() throws Exception {
        Run pull = shed("--root", tmp.resolve("root").toString(), "image", "pull", registry.host() + "/cli/small:1");
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out()).contains(": Pull complete").contains("Digest: sha256:")
                .contains("Status: Downloaded newer image for " + registry.host() + "/cli/small:1")
                .doesNotContain("\033[");
    }

    @Test
    void errorsAreOneLineWithExitCodes() {
        Run missing = shed("--root", tmp.resolve("root").toString(), "image", "pull", registry.host() + "/cli/small:nope");
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err().strip()).startsWith("shed: error: ").contains("cli/small@nope").doesNotContain("\n");

        Run badPlatform = shed("--root", tmp.resolve("root").toString(), "image", "pull", "--platform", "linux", registry.host() + "/cli/small:1");
        assertThat(badPlatform.exit()).isEqualTo(2);

        Run userWithoutPassword = shed("--root", tmp.resolve("root").toString(), "image", "pull", "-u", "x", registry.host() + "/cli/small:1");
        assertThat(userWithoutPassword.exit()).isEqualTo(2);
        assertThat(userWithoutPassword.err()).contains("--password-stdin");
    }

    @Test
    void pullKilledWithSigkillResumesWhereItStopped() throws Exception {
        Descriptor layer = big.layers().get(0);
        Path root = tmp.resolve("root");
        try (FaultProxy proxy = FaultProxy.in(registry)) {
            proxy.limitBandwidth(8L * 1024 * 1024);
            String ref = proxy.host() + "/cli/big:1";
            Process p = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"), "dev.shed.cli.Main",
                    "--root", root.toString(), "image", "pull", ref)
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("first.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (proxy.blobBytesServed() < layer.size() / 3 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(p.isAlive()).as("still pulling when killed; log: " + Files.readString(tmp.resolve("first.log"))).isTrue();
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
            p.waitFor();

            Store store = Store.open(root);
            assertThat(store.names().list()).isEmpty();
            assertThat(store.blobs().exists(layer.digest())).isFalse();
            try (Stream<Path> ingest = Files.list(store.layout().ingestDir())) {
                assertThat(ingest.filter(f -> f.getFileName().toString().startsWith(layer.digest().hex()))).isNotEmpty();
            }

            proxy.limitBandwidth(0);
            proxy.resetCounters();
            Run again = shed("--root", root.toString(), "image", "pull", "-q", ref);
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(store.blobs().verify(layer.digest())).isTrue();
            assertThat(store.names().list()).hasSize(1);
            long second = proxy.blobBytesServed();
            assertThat(second).isGreaterThan(0).isLessThan(layer.size() - layer.size() / 4);
            assertThat(proxy.seen()).anySatisfy(s -> assertThat(s.range()).startsWith("bytes="));
        }
    }

    @Test
    void twoPullProcessesOfOverlappingImagesBothSucceedAndShareTheLayer() throws Exception {
        Path layout = tmp.resolve("layout");
        TestImages.build(layout, "big2", List.of(bigDir, TestImages.smallTree(tmp.resolve("s2"), 2)), "linux", "amd64");
        TestImages.push(layout, "big2", registry.host() + "/cli/big2:1", false);
        Manifest big2 = Manifest.parse(TestImages.rawManifest(registry.host() + "/cli/big2:1"), MediaType.OCI_MANIFEST);
        Descriptor shared = big.layers().get(0);
        assertThat(big2.layers().get(0).digest()).as("the images share their 64 MiB layer").isEqualTo(shared.digest());

        Path root = tmp.resolve("root");
        try (FaultProxy proxy = FaultProxy.in(registry)) {
            proxy.limitBandwidth(32L * 1024 * 1024); // long enough for the two processes to overlap
            List<String> refs = List.of(proxy.host() + "/cli/big:1", proxy.host() + "/cli/big2:1");
            List<Process> procs = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                procs.add(new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"), "dev.shed.cli.Main",
                        "--root", root.toString(), "image", "pull", refs.get(i))
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("pull" + i + ".log").toFile()).start());
            }
            for (int i = 0; i < 2; i++) {
                assertThat(procs.get(i).waitFor(180, TimeUnit.SECONDS)).isTrue();
                assertThat(procs.get(i).exitValue()).as(Files.readString(tmp.resolve("pull" + i + ".log"))).isZero();
            }
            Store store = Store.open(root);
            assertThat(store.names().list()).hasSize(2);
            assertThat(store.blobs().list()).allSatisfy(d -> assertThat(store.blobs().verify(d)).isTrue());
            // the per-digest lock let only one process download the shared layer
            assertThat(proxy.blobBytesServed()).isLessThan(2 * shared.size());
            try (Stream<Path> ingest = Files.list(store.layout().ingestDir())) {
                assertThat(ingest).isEmpty();
            }
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
