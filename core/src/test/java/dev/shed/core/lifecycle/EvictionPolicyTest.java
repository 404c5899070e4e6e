package dev.shed.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import dev.shed.core.gc.PruneOptions;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.MountTable;
import dev.shed.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three eviction policies of seed §3, each against base ⊂ extensions ⊂ full. */
class EvictionPolicyTest {
    @TempDir
    Path tmp;
    Store store;
    TestImages images;
    FakeLowerBuilder builder;
    FakeRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        store = Store.open(tmp.resolve("store"));
        images = TestImages.importInto(store, tmp.resolve("layout"));
        builder = new FakeLowerBuilder(store);
        runner = new FakeRunner();
    }

    Lifecycle open(String policy, String budget) throws Exception {
        ConfigFile cf = new ConfigFile(store);
        cf.set(ConfigKey.EVICTION_POLICY, policy);
        if (budget != null) cf.set(ConfigKey.CACHE_BUDGET, budget);
        return Lifecycle.open(store, builder, runner, new MountTable(), new LocalImageSource(store));
    }

    boolean cached(dev.shed.core.oci.Descriptor d) {
        return Files.exists(store.layout().erofsLower(d.digest()));
    }

    @Test
    void lruBudgetFittingTwoLowersKeepsTheTwoMostRecentlyUsed() throws Exception {
        Lifecycle lc = open("lru", String.valueOf(2 * FakeLowerBuilder.footprint()));
        lc.lowers().ensure(images.base.digest());
        lc.lowers().ensure(images.extensions.digest());
        assertThat(cached(images.base)).isTrue();
        assertThat(cached(images.extensions)).isTrue();
        // base becomes the most recently used; full's materialize must then push out extensions, not base
        setUsage(images.base.digest(), 20);
        setUsage(images.extensions.digest(), 30);
        lc.lowers().ensure(images.full.digest());
        assertThat(cached(images.full)).isTrue();
        assertThat(cached(images.base)).isTrue();
        assertThat(cached(images.extensions)).as("least recently used lower evicted").isFalse();
        // a create counts as a use: extensions comes back and pushes out full, made the oldest here
        setUsage(images.full.digest(), 40);
        lc.sheds().create("e", "extensions", null, null);
        assertThat(cached(images.extensions)).isTrue();
        assertThat(cached(images.full)).isFalse();
        assertThat(cached(images.base)).isTrue();
    }

    @Test
    void lruAlsoAppliesOnPruneAndNeverEvictsARunningShedsLower() throws Exception {
        Lifecycle unlimited = open("lru", "none");
        unlimited.sheds().create("b", "base", null, null);
        unlimited.sheds().start("b");
        unlimited.lowers().ensure(images.extensions.digest());
        unlimited.lowers().ensure(images.full.digest());
        setUsage(images.base.digest(), 100); // the running shed's lower is the oldest
        Lifecycle tight = open("lru", "1");
        tight.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(cached(images.base)).as("mounted by a running shed").isTrue();
        assertThat(cached(images.extensions)).isFalse();
        assertThat(cached(images.full)).isFalse();
        assertThat(store.blobs().list()).isNotEmpty();
    }

    @Test
    void refcountDropsALowerWhenItsLastShedIsRemovedAndNotBefore() throws Exception {
        Lifecycle lc = open("refcount", null);
        lc.sheds().create("one", "full", null, null);
        lc.sheds().create("two", "full", null, null);
        lc.sheds().snapshot("two", "snap");
        assertThat(cached(images.full)).isTrue();
        lc.sheds().remove("one", false);
        assertThat(cached(images.full)).as("shed two and the snapshot still pin it").isTrue();
        lc.sheds().remove("two", false);
        assertThat(cached(images.full)).as("the snapshot still pins it").isTrue();
        lc.sheds().removeSnapshot("snap");
        assertThat(cached(images.full)).as("last pin gone").isFalse();
        assertThat(store.blobs().exists(images.full.digest())).as("blobs stay: the image is still named").isTrue();
        // transparently rebuilt by the next create
        lc.sheds().create("three", "full", null, null);
        assertThat(cached(images.full)).isTrue();
        assertThat(builder.builds).filteredOn(images.full.digest()::equals).hasSize(2);
    }

    @Test
    void refcountKeepsALowerWhileItsShedRunsEvenAfterPrune() throws Exception {
        Lifecycle lc = open("refcount", null);
        lc.lowers().ensure(images.base.digest()); // materialized with no shed: refcount zero
        lc.sheds().create("f", "full", null, null);
        lc.sheds().start("f");
        lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(cached(images.base)).as("refcount zero goes on prune").isFalse();
        assertThat(cached(images.full)).isTrue();
    }

    @Test
    void manualNeverEvictsByItself() throws Exception {
        Lifecycle lc = open("manual", "1");
        lc.sheds().create("a", "base", null, null);
        lc.lowers().ensure(images.extensions.digest());
        lc.lowers().ensure(images.full.digest());
        lc.sheds().remove("a", false);
        lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(cached(images.base)).isTrue();
        assertThat(cached(images.extensions)).isTrue();
        assertThat(cached(images.full)).isTrue();
        // Option C: the operator asks
        lc.pruner().prune(new PruneOptions(false, false, true), i -> {});
        assertThat(List.of(cached(images.base), cached(images.extensions), cached(images.full))).containsOnly(false);
    }

    @Test
    void aStartedShedsLowerSurvivesEveryPruneModeAndPolicy() throws Exception {
        for (String policy : List.of("manual", "lru", "refcount")) {
            Lifecycle lc = open(policy, "1");
            lc.sheds().create("run", "full", null, null);
            lc.sheds().start("run");
            store.names().remove("full"); // not even named any more: only the running shed holds it
            for (PruneOptions o : List.of(PruneOptions.DEFAULT, new PruneOptions(false, true, false),
                    new PruneOptions(false, false, true), new PruneOptions(true, false, false))) {
                lc.pruner().prune(o, i -> {});
                assertThat(cached(images.full)).as(policy + " " + o.describe()).isTrue();
                assertThat(lc.verifier().verify().problems()).as(policy + " " + o.describe()).isEmpty();
            }
            lc.sheds().remove("run", true);
            TestImages.importLayout(store, images.layout, List.of("full"), List.of(images.full));
        }
    }

    @Test
    void anEvictedLowerIsRebuiltByStart() throws Exception {
        Lifecycle lc = open("lru", String.valueOf(FakeLowerBuilder.footprint()));
        lc.sheds().create("a", "base", null, null);
        lc.sheds().create("b", "full", null, null); // budget fits one: a's lower goes
        assertThat(cached(images.base)).isFalse();
        lc.sheds().start("a");
        assertThat(runner.isRunning(lc.catalog().shed("a").orElseThrow(), lc.catalog().paths("a"))).isTrue();
        assertThat(cached(images.base)).isTrue();
        assertThat(builder.builds).filteredOn(images.base.digest()::equals).hasSize(2);
    }

    private void setUsage(Digest d, int secondsAgo) throws Exception {
        new dev.shed.core.cache.Usage(store.layout()).touch(d, Instant.now().minusSeconds(secondsAgo));
    }
}
