package dev.shed.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.gc.PruneItem;
import dev.shed.core.gc.PruneOptions;
import dev.shed.core.gc.StoreVerifier;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.MountTable;
import dev.shed.core.store.NamedImage;
import dev.shed.core.store.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prune against other processes: importers running at the same time, and a prune killed mid-sweep. */
class PruneConcurrencyTest {
    @TempDir
    Path tmp;

    Lifecycle open(Store store) throws Exception {
        return Lifecycle.open(store, new FakeLowerBuilder(store), new FakeRunner(), new MountTable(), new LocalImageSource(store));
    }

    @Test
    void pruneLoopWhileOtherProcessesImportNeverLosesABlobOfANamedImage() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        Lifecycle lc = open(store);
        int count = 30;
        List<Process> workers = new ArrayList<>();
        for (String prefix : List.of("alpha", "beta")) {
            workers.add(Jvm.start(ImportWorker.class, tmp.resolve(prefix + ".log"), store.layout().root().toString(), prefix,
                    String.valueOf(count)));
        }
        int prunes = 0;
        long removedBlobs = 0;
        while (workers.stream().anyMatch(Process::isAlive)) {
            removedBlobs += lc.pruner().prune(PruneOptions.DEFAULT, i -> {}).count(PruneItem.Kind.BLOB);
            prunes++;
        }
        for (Process w : workers) {
            assertThat(w.waitFor(5, TimeUnit.MINUTES)).isTrue();
            String out = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(w.exitValue()).as(out + Files.readString(tmp.resolve("alpha.log")) + Files.readString(tmp.resolve("beta.log")))
                    .isZero();
            assertThat(out.lines().filter(l -> l.startsWith("imported ")).count()).isEqualTo(count);
        }
        assertThat(prunes).isGreaterThan(1);
        assertThat(removedBlobs).as("prune really collected the importers' garbage while they ran").isPositive();

        Set<String> names = store.names().list().stream().map(NamedImage::name).collect(Collectors.toSet());
        assertThat(names).containsExactlyInAnyOrder("docker.io/library/alpha-28:latest", "docker.io/library/alpha-29:latest",
                "docker.io/library/beta-28:latest", "docker.io/library/beta-29:latest");
        StoreVerifier.Result r = lc.verifier().verify();
        assertThat(r.problems()).isEmpty();
        lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(lc.verifier().verify().problems()).isEmpty();
    }

    @Test
    void pruneKilledMidSweepThenPrunedAgainLeavesEveryNamedImageWhole() throws Exception {
        killMidPrune(false);
    }

    @Test
    void pruneAllKilledMidSweepThenPrunedAgainLeavesEveryRemainingImageWhole() throws Exception {
        killMidPrune(true);
    }

    private void killMidPrune(boolean all) throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        TestImages images = TestImages.importInto(store, tmp.resolve("layout"));
        Lifecycle lc = open(store);
        lc.sheds().create("keep", "extensions", null, null);
        List<Digest> garbage = new ArrayList<>();
        for (int i = 0; i < 50; i++) garbage.add(TestImages.garbage(store, 1000 + i, 1000 + i));
        store.names().remove("full");

        Process p = Jvm.start(PruneWorker.class, tmp.resolve("prune.log"), store.layout().root().toString(), String.valueOf(all));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).as(Files.readString(tmp.resolve("prune.log"))).startsWith("removed ");
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor(1, TimeUnit.MINUTES);
        assertThat(p.exitValue()).isNotZero();
        assertThat(store.blobs().list()).as("killed in the middle: garbage left").containsAnyElementsOf(garbage);
        assertThat(lc.verifier().verify().problems()).as("consistent even right after the kill").isEmpty();

        lc.pruner().prune(new PruneOptions(all, false, false), i -> {});
        assertThat(lc.verifier().verify().problems()).isEmpty();
        assertThat(store.blobs().list()).doesNotContainAnyElementsOf(garbage).doesNotContain(images.full.digest());
        assertThat(store.blobs().list()).contains(images.extensions.digest()); // pinned by shed keep
        if (!all) {
            assertThat(store.names().list()).extracting(NamedImage::name)
                    .containsExactlyInAnyOrder("docker.io/library/base:latest", "docker.io/library/extensions:latest");
            assertThat(store.blobs().list()).contains(images.base.digest());
        }
    }
}
