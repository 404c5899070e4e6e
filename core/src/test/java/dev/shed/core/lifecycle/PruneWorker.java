package dev.shed.core.lifecycle;

import dev.shed.core.gc.PruneOptions;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.MountTable;
import dev.shed.core.store.Store;
import java.nio.file.Path;

/**
 * A prune in its own process for the crash test. Args: storeRoot all(true|false). After removing its first item
 * it prints "removed …" and then blocks on stdin, so the test kills it deterministically in the middle of the
 * sweep.
 */
public final class PruneWorker {
    public static void main(String[] args) throws Exception {
        Store store = Store.open(Path.of(args[0]));
        Lifecycle lc = Lifecycle.open(store, new FakeLowerBuilder(store), new FakeRunner(), new MountTable(),
                new LocalImageSource(store));
        lc.pruner().prune(new PruneOptions(Boolean.parseBoolean(args[1]), false, false), item -> {
            System.out.println("removed " + item.kind() + " " + item.what());
            System.out.flush();
            try {
                System.in.read(); // the test never answers: it sends SIGKILL
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        System.out.println("finished");
    }
}
