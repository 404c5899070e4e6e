package dev.shed.core.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.cache.MaterializerSource;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.materialize.MaterializeOptions;
import dev.shed.core.materialize.Materializer;
import dev.shed.core.oci.Digest;
import dev.shed.core.progress.Progress;
import dev.shed.core.shed.Shed;
import dev.shed.core.shed.ShedConflictException;
import dev.shed.core.shed.ShedManager;
import dev.shed.core.shed.VmSpec;
import dev.shed.core.store.Store;
import dev.shed.core.testing.BusyboxImage;
import dev.shed.core.testing.GuestKernelFixture;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vm shed end to end under QEMU (TCG) with Debian's 6.1 cloud kernel: boot, exec (streams, exit codes, the
 * image config's Env and WorkingDir, binary output), a published port served from the guest, persistence of the
 * upper disk across stop/start, a crashed VM shown stopped, and rm leaving nothing behind. Oracles: the guest
 * kernel and busybox, an HTTP request from the host, the host's own busybox bytes.
 */
class VmShedTest {
    @TempDir
    Path tmp;
    Lifecycle lc;

    @AfterEach
    void stopAll() throws Exception {
        if (lc == null) return;
        for (Shed s : lc.catalog().sheds()) lc.sheds().stop(s.name());
    }

    /** A busybox image whose config sets Env and WorkingDir (OciLayoutBuilder's configs have neither). */
    static Digest busyboxImage(OciLayoutBuilder layout, String name) throws Exception {
        TarLayerBuilder root = BusyboxImage.root("sh", "cat", "echo", "pwd", "httpd", "sync", "ls", "sleep")
                .dir("tmp", 01777).dir("www").file("www/index.html", "hello from the guest\n");
        return BusyboxImage.write(layout, name, root, c -> {
            c.putArray("Env").add("PATH=/bin").add("GREETING=hi");
            c.put("WorkingDir", "/www");
        });
    }

    Lifecycle open(Store store) throws Exception {
        return Lifecycle.open(store, new MaterializerSource(new Materializer(store, MaterializeOptions.defaults(), Progress.NONE)));
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    record Run(int code, String out, String err, byte[] rawOut) {}

    Run exec(Store store, String shed, List<String> env, String workdir, String... cmd) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new VmExec(store, lc.catalog()).exec(shed, List.of(cmd), new VmExec.Options(env, workdir, null, null), null, out, err);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), out.toByteArray());
    }

    @Test
    void bootExecPublishPersistAndRemove() throws Exception {
        Path kernel = GuestKernelFixture.require();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest manifest = busyboxImage(layout, "docker.io/library/bb:latest");
        Store store = Store.open(layout.dir());
        new ConfigFile(store).set(ConfigKey.VM_KERNEL, kernel.toString());
        lc = open(store);
        int port = freePort();
        lc.sheds().create("dev", "bb", null, null,
                new ShedManager.CreateOptions(null, new VmSpec(64L << 20, List.of(port + ":8080"), false)));
        Path disk = lc.catalog().paths("dev").upperDisk();
        assertThat(Files.size(disk)).isEqualTo(64L << 20);
        assertThat(lc.catalog().shed("dev").orElseThrow().runtime()).isEqualTo("vm"); // the default runtime

        lc.sheds().start("dev");
        assertThat(lc.catalog().isRunning(lc.catalog().shed("dev").orElseThrow())).isTrue();
        assertThat(lc.catalog().running()).containsExactly(manifest); // what eviction asks before deleting a lower
        assertThatThrownBy(() -> lc.sheds().start("dev")).isInstanceOf(ShedConflictException.class).hasMessageContaining("already running");

        Run streams = exec(store, "dev", List.of(), null, "sh", "-c", "echo out; echo err >&2; exit 7");
        assertThat(streams).isEqualTo(new Run(7, "out\n", "err\n", streams.rawOut()));
        Run config = exec(store, "dev", List.of("EXTRA=x y"), null, "sh", "-c", "pwd; echo \"$GREETING|$EXTRA|$PATH\"");
        assertThat(config.out()).isEqualTo("/www\nhi|x y|/bin\n");
        assertThat(exec(store, "dev", List.of(), "/tmp", "pwd").out()).isEqualTo("/tmp\n");
        assertThat(exec(store, "dev", List.of(), null, "cat", "/bin/busybox").rawOut()).isEqualTo(Files.readAllBytes(Path.of("/bin/busybox")));
        Run missing = exec(store, "dev", List.of(), null, "no-such-command");
        assertThat(missing.code()).isEqualTo(127);
        assertThat(missing.err()).contains("no-such-command");
        assertThat(exec(store, "dev", List.of(), null, "sh", "-c", "echo kept > /tmp/kept && sync").code()).isZero();

        assertThat(exec(store, "dev", List.of(), null, "httpd", "-p", "8080", "-h", "/www").code()).isZero();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String body = null;
        for (int i = 0; i < 50 && body == null; i++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) body = r.body();
            } catch (java.io.IOException notYet) {
                Thread.sleep(200);
            }
        }
        assertThat(body).isEqualTo("hello from the guest\n");

        lc.sheds().stop("dev");
        assertThat(lc.catalog().isRunning(lc.catalog().shed("dev").orElseThrow())).isFalse();
        Path log = VmFiles.of(lc.catalog().paths("dev").dataDir()).consoleLog();
        // the boot phases, in order, on the guest's clock (bench/boot.sh reads them)
        assertThat(Files.readString(log, StandardCharsets.ISO_8859_1)).containsPattern("(?s)shed-init: t=[0-9.]+ init\r?\n.*"
                + "shed-init: t=[0-9.]+ modules\r?\n.*shed-init: t=[0-9.]+ lower\r?\n.*shed-init: t=[0-9.]+ upper\r?\n.*"
                + "shed-init: t=[0-9.]+ ports\r?\n.*shed-init: t=[0-9.]+ ready\r?\n");

        lc.sheds().start("dev");
        assertThat(exec(store, "dev", List.of(), null, "cat", "/tmp/kept").out()).isEqualTo("kept\n");

        // the VM dies under the shed (a host crash looks the same): shown stopped, the record still says started
        ProcessHandle qemu = VmProcess.find(VmFiles.of(lc.catalog().paths("dev").dataDir()).pidFile()).orElseThrow();
        qemu.destroyForcibly();
        VmProcess.awaitExit(qemu, Duration.ofSeconds(10));
        Shed dev = lc.catalog().shed("dev").orElseThrow();
        assertThat(dev.started()).isTrue();
        assertThat(lc.catalog().isRunning(dev)).isFalse();
        assertThat(lc.catalog().running()).isEmpty();

        lc.sheds().remove("dev", false);
        assertThat(lc.catalog().paths("dev").dataDir()).doesNotExist();
        assertThat(store.layout().shedsDir().resolve("dev.json")).doesNotExist();
    }
}
