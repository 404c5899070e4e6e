package dev.shed.cli.shed;

import dev.shed.cli.GlobalOptions;
import dev.shed.core.cache.LowerBuilder;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.cli.output.LineProgress;
import dev.shed.core.materialize.MaterializeOptions;
import dev.shed.core.materialize.Materializer;
import dev.shed.core.store.Store;
import java.io.IOException;

/** Opens the lifecycle services (sheds, lowers, prune) of the store the global options name. */
public final class Lifecycles {
    private Lifecycles() {}

    public static Lifecycle open() throws IOException {
        Store store = GlobalOptions.openStore();
        return Lifecycle.open(store, lowerBuilder(store));
    }

    /** How this build makes lowers: the one place to wire the materializer. */
    static LowerBuilder lowerBuilder(Store store) {
        return new Materializer(store, MaterializeOptions.defaults(), LineProgress.forTerminal());
    }
}
