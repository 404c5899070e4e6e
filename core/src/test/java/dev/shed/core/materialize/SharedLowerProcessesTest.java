package dev.shed.core.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.flatten.TreeSnapshotAccess;
import dev.shed.core.oci.Digest;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared lowers across real processes on one store: two materializations sharing a layer build its data device
 * once, and a process killed with SIGKILL in the middle of building a device leaves nothing that a later run
 * trusts (it rebuilds, and the kernel mount equals umoci unpack).
 */
class SharedLowerProcessesTest {
    @TempDir
    Path tmp;

    /** A base layer big enough that building its device takes a while (~20 MB of text). */
    private static OciLayoutBuilder.Layer bigBase() {
        TarLayerBuilder b = new TarLayerBuilder().mtime(1_600_000_000L).dir("base");
        for (int i = 0; i < 40; i++) b.file("base/file-" + i, SharedFixtures.text(512 * 1024, i), 0644);
        return OciLayoutBuilder.Layer.gzip(b);
    }

    private static Process worker(Path log, Path root, Digest m) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), MaterializeWorker.class.getName(),
                root.toString(), m.toString(), "lz4hc"));
        return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    }

    private static List<String> output(Process p, Path log) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("worker failed: %s", Files.readString(log)).isZero();
        return out.lines().toList();
    }

    @Test
    void twoProcessesMaterializingManifestsThatShareALayerBuildItsDeviceOnce() throws Exception {
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        OciLayoutBuilder.Layer base = bigBase();
        Digest x = layout.image("x", base, SharedFixtures.top("x", 90_000, 1)).digest();
        Digest y = layout.image("y", base, SharedFixtures.top("y", 90_000, 2)).digest();
        Process a = worker(tmp.resolve("a.log"), layout.dir(), x);
        Process b = worker(tmp.resolve("b.log"), layout.dir(), y);
        List<String> all = new ArrayList<>(output(a, tmp.resolve("a.log")));
        all.addAll(output(b, tmp.resolve("b.log")));
        List<String> builds = all.stream().filter(l -> l.startsWith("device ")).toList();
        assertThat(builds).as("base once, each top layer once").hasSize(3).doesNotHaveDuplicates();
        Store store = Store.open(layout.dir());
        LowerRecord rx = LowerRecord.read(store.layout(), x);
        LowerRecord ry = LowerRecord.read(store.layout(), y);
        assertThat(rx.devices().get(0)).isEqualTo(ry.devices().get(0));
        try (var s = Files.list(store.layout().layerDevicesDir())) {
            assertThat(s.filter(p -> p.toString().endsWith(".erofsdev")).count()).isEqualTo(3);
        }
    }

    @Test
    void aProcessKilledWhileBuildingADeviceLeavesNothingHalfVisible() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        OciLayoutBuilder.Layer[] layers = {bigBase(), SharedFixtures.dataLayers()[0], SharedFixtures.dataLayers()[1]};
        Digest m = layout.image("m", layers).digest();
        Store store = Store.open(layout.dir());
        Path tmpDir = store.layout().tmpDir();
        Process p = worker(tmp.resolve("w.log"), layout.dir(), m);
        // kill -9 once a device is being written (its temp file has data), before it is renamed into place
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean killed = false;
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (hasPartialDevice(tmpDir)) {
                p.destroyForcibly();   // SIGKILL: no shutdown hooks, no finally blocks
                killed = true;
                break;
            }
            Thread.sleep(20);
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(killed).as("the worker was killed mid-build: %s", Files.readString(tmp.resolve("w.log"))).isTrue();
        // nothing it left is served: no lower record, and every index present vouches for a complete device
        assertThat(LowerRecord.read(store.layout(), m)).isNull();
        Materializer mat = new Materializer(store, SharedLowerTest.shared(MaterializeOptions.Compression.LZ4HC), Progress.NONE);
        assertThat(mat.isCurrent(m)).isFalse();
        Lower lower = mat.materialize(m);
        assertThat(lower.built()).isTrue();
        layout.image("oracle", layers);
        Path bundle = tmp.resolve("bundle");
        Processes.check(null, "umoci", "unpack", "--image", layout.dir() + ":oracle", bundle.toString());
        Map<String, String> want = TreeSnapshotAccess.of(bundle.resolve("rootfs"));
        ErofsOracle.mountedLower(lower, tmp.resolve("mnt"),
                mnt -> assertThat(TreeSnapshotAccess.diff(want, TreeSnapshotAccess.of(mnt))).isEmpty());
    }

    private static boolean hasPartialDevice(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (var s = Files.list(dir)) {
            return s.anyMatch(f -> {
                String n = f.getFileName().toString();
                try {
                    return n.startsWith("layerdev-") && n.endsWith(".erofsdev") && Files.size(f) > (1 << 20);
                } catch (IOException gone) {
                    return false;
                }
            });
        }
    }
}
