package dev.shed.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.image.ImageNotFoundException;
import dev.shed.core.oci.Platform;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.MountTable;
import dev.shed.core.shed.Shed;
import dev.shed.core.shed.ShedConflictException;
import dev.shed.core.shed.ShedNotFoundException;
import dev.shed.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShedManagerTest {
    @TempDir
    Path tmp;
    Store store;
    TestImages images;
    FakeRunner runner = new FakeRunner();
    FakeLowerBuilder builder;
    Lifecycle lc;

    @BeforeEach
    void setUp() throws Exception {
        store = Store.open(tmp.resolve("store"));
        images = TestImages.importInto(store, tmp.resolve("layout"));
        builder = new FakeLowerBuilder(store);
        lc = Lifecycle.open(store, builder, runner, new MountTable(), new LocalImageSource(store));
    }

    @Test
    void createPinsTheManifestRecordsItAtomicallyAndMaterializesRightAway() throws Exception {
        var created = lc.sheds().create("dev", "full", Platform.parse("linux/amd64"), null);
        Shed s = created.shed();
        assertThat(s.image()).isEqualTo("docker.io/library/full:latest");
        assertThat(s.manifest()).isEqualTo(images.full.digest());
        assertThat(s.platform()).isEqualTo("linux/amd64");
        assertThat(created.lower()).isEqualTo(store.layout().erofsLower(images.full.digest())).exists();
        assertThat(builder.builds).containsExactly(images.full.digest());
        assertThat(lc.catalog().sheds()).containsExactly(s);
        assertThat(store.layout().shedsDir().resolve("dev.json")).exists();
        assertThat(lc.catalog().paths("dev").upper()).isDirectory();
        assertThat(lc.catalog().pinCount(images.full.digest())).isEqualTo(1);
        // the pin survives the image being renamed away: create by digest works too
        store.names().remove("full");
        lc.sheds().create("bydigest", images.full.digest().toString(), null, null);
        assertThat(builder.builds).as("lower already current: no second build").hasSize(1);
    }

    @Test
    void conflictsAndMissingThingsAreClearErrors() throws Exception {
        lc.sheds().create("dev", "base", null, null);
        assertThatThrownBy(() -> lc.sheds().create("dev", "full", null, null)).isInstanceOf(ShedConflictException.class)
                .hasMessageContaining("dev");
        assertThatThrownBy(() -> lc.sheds().create("x", "nope", null, null)).isInstanceOf(ImageNotFoundException.class);
        assertThat(lc.catalog().shed("x")).isEmpty();
        assertThatThrownBy(() -> lc.sheds().create("../evil", "base", null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lc.sheds().start("ghost")).isInstanceOf(ShedNotFoundException.class);
        assertThatThrownBy(() -> lc.sheds().removeSnapshot("ghost")).isInstanceOf(ShedNotFoundException.class);
        lc.sheds().snapshot("dev", "s1");
        assertThatThrownBy(() -> lc.sheds().snapshot("dev", "s1")).isInstanceOf(ShedConflictException.class);
    }

    @Test
    void aFailedMaterializeUndoesTheCreate() throws Exception {
        dev.shed.core.cache.LowerSource failing = new dev.shed.core.cache.LowerSource() {
            @Override
            public dev.shed.core.materialize.Lower build(dev.shed.core.oci.Digest manifest) throws java.io.IOException {
                throw new java.io.IOException("cannot materialize " + manifest + ": disk full");
            }

            @Override
            public boolean isCurrent(dev.shed.core.oci.Digest manifest) {
                return false;
            }
        };
        Lifecycle broken = Lifecycle.open(store, failing, runner, new MountTable(), new LocalImageSource(store));
        assertThatThrownBy(() -> broken.sheds().create("dev", "base", null, null)).hasMessageContaining(images.base.digest().toString());
        assertThat(broken.catalog().shed("dev")).isEmpty();
        assertThat(broken.catalog().paths("dev").dataDir()).doesNotExist();
    }

    @Test
    void runningShedIsRefusedByRmUnlessForcedAndAVanishedRunIsShownStopped() throws Exception {
        lc.sheds().create("dev", "base", null, null);
        lc.sheds().start("dev");
        assertThat(lc.catalog().isRunning(lc.catalog().shed("dev").orElseThrow())).isTrue();
        assertThatThrownBy(() -> lc.sheds().remove("dev", false)).isInstanceOf(ShedConflictException.class)
                .hasMessageContaining("--force");
        runner.crash("dev");
        Shed s = lc.catalog().shed("dev").orElseThrow();
        assertThat(s.started()).isTrue();
        assertThat(lc.catalog().isRunning(s)).isFalse();
        assertThat(lc.sheds().stop("dev")).as("was not running").isFalse();
        assertThat(lc.catalog().shed("dev").orElseThrow().started()).isFalse();
        lc.sheds().start("dev");
        lc.sheds().remove("dev", true);
        assertThat(lc.catalog().shed("dev")).isEmpty();
        assertThat(runner.isRunning(s, lc.catalog().paths("dev"))).isFalse();
        assertThat(Files.exists(lc.catalog().paths("dev").dataDir())).isFalse();
    }
}
