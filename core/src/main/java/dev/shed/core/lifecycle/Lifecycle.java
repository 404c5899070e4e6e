package dev.shed.core.lifecycle;

import dev.shed.core.cache.LowerSource;
import dev.shed.core.cache.Lowers;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import dev.shed.core.config.StoreConfig;
import dev.shed.core.gc.DiskUsage;
import dev.shed.core.gc.Pruner;
import dev.shed.core.gc.StoreVerifier;
import dev.shed.core.shed.ImageMounts;
import dev.shed.core.shed.ImageSource;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.LowerMounter;
import dev.shed.core.shed.MountRunner;
import dev.shed.core.shed.MountTable;
import dev.shed.core.shed.ShedCatalog;
import dev.shed.core.shed.ShedManager;
import dev.shed.core.shed.RuntimeRunner;
import dev.shed.core.shed.ShedRunner;
import dev.shed.core.store.Store;
import dev.shed.core.vm.VmRunner;
import java.io.IOException;

/**
 * A store's disk lifecycle, wired: its config, sheds (pins), lowers (cache + eviction policy), prune, df and
 * verify. The CLI opens one per command; tests pass their own {@link LowerSource}, {@link ShedRunner} or
 * {@link ImageSource}.
 */
public record Lifecycle(Store store, StoreConfig config, ShedCatalog catalog, Lowers lowers, ShedManager sheds,
                        ImageMounts imageMounts, Pruner pruner, DiskUsage diskUsage, StoreVerifier verifier) {

    public static Lifecycle open(Store store, LowerSource source) throws IOException {
        return open(store, source, new LocalImageSource(store));
    }

    /** With another way to find images (e.g. pull when missing). Sheds run by their runtime: mounts or VMs. */
    public static Lifecycle open(Store store, LowerSource source, ImageSource images) throws IOException {
        MountTable table = new MountTable();
        return open(store, source, runner(store, table), table, images);
    }

    /**
     * Just the sheds' records and whether each runs, without the config, lowers or image sources: what
     * {@code shed exec} needs before it talks to the VM (opening the rest cost it ~25 ms of every call).
     */
    public static ShedCatalog catalog(Store store) {
        MountTable table = new MountTable();
        return new ShedCatalog(store.layout(), runner(store, table), table);
    }

    private static ShedRunner runner(Store store, MountTable table) {
        ShedRunner vm = new VmRunner(store, warning -> System.err.println("shed: " + warning));
        return new RuntimeRunner(new MountRunner(LowerMounter.forStore(store, table)), vm);
    }

    public static Lifecycle open(Store store, LowerSource source, ShedRunner runner, MountTable table, ImageSource images)
            throws IOException {
        ConfigFile settings = new ConfigFile(store).snapshot();
        StoreConfig config = settings.load();
        ShedCatalog catalog = new ShedCatalog(store.layout(), runner, table);
        Lowers lowers = new Lowers(store, source, catalog, config);
        String runtime = settings.get(ConfigKey.RUNTIME);
        ImageMounts imageMounts = new ImageMounts(store, lowers, images, LowerMounter.forStore(store, table));
        return new Lifecycle(store, config, catalog, lowers, new ShedManager(store, catalog, lowers, images, runtime), imageMounts,
                new Pruner(store, catalog, lowers, imageMounts), new DiskUsage(store, catalog, lowers),
                new StoreVerifier(store, catalog));
    }
}
