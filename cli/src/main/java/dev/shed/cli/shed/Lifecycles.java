package dev.shed.cli.shed;

import dev.shed.cli.GlobalOptions;
import dev.shed.core.cache.MaterializerSource;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.StoreConfig;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.materialize.MaterializeOptions;
import dev.shed.core.materialize.Materializer;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens the lifecycle services (sheds, lowers with the store's eviction policy, prune, df, verify) of the store
 * the global options name. Everything that needs a lower — shed create/start, image materialize — goes through
 * {@code lifecycle.lowers().ensure(manifest)}, so use is recorded and the policy applied in one place.
 */
public final class Lifecycles {
    private Lifecycles() {}

    /** For commands that never build a lower (ls, rm, prune, df, verify). */
    public static Lifecycle open() throws IOException {
        return open(Progress.NONE);
    }

    /**
     * For commands that may materialize: {@code progress} shows the build, the store's config
     * ({@code materialize.compression}, {@code materialize.backend}) says how.
     */
    public static Lifecycle open(Progress progress) throws IOException {
        return open(progress, List.of());
    }

    /** As {@link #open(Progress)}; an image pulled on the way trusts {@code caFiles} too (shed create --ca-cert). */
    public static Lifecycle open(Progress progress, List<Path> caFiles) throws IOException {
        Store store = GlobalOptions.openStore();
        StoreConfig config = new ConfigFile(store).load();
        MaterializeOptions options = config.materialize();
        return Lifecycle.open(store, new MaterializerSource(new Materializer(store, options, progress)),
                new PullingImageSource(store, config, caFiles, progress));
    }
}
