package dev.shed.core.lifecycle;

import dev.shed.core.materialize.Lower;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.MountTable;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Another shed process materializing a shared lower again and again while the test prunes: after each ensure it
 * does what start and image mount do — takes the lower's lock shared and, if the lower is still cached, reads its
 * record's devices and checks each is present (twice, a little apart). A device missing there is a lost device:
 * exit 1.
 *
 * <p>Args: storeRoot manifestDigest rounds. Prints "checked" per round that found the lower cached.
 */
public final class SharedMaterializeWorker {
    public static void main(String[] args) throws Exception {
        Store store = Store.open(Path.of(args[0]));
        Digest manifest = Digest.parse(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Lifecycle lc = Lifecycle.open(store, new SharedLowerBuilder(store), new FakeRunner(), new MountTable(),
                new LocalImageSource(store));
        for (int i = 0; i < rounds; i++) {
            lc.lowers().ensure(manifest);
            try (FileLocks.Held shared = store.locks().shared("lower-" + manifest.hex())) {
                if (!lc.lowers().isCached(manifest)) continue;
                Lower lower = lc.lowers().lower(manifest);
                for (int pass = 0; pass < 2; pass++) {
                    for (Path d : lower.devices()) {
                        if (!Files.isRegularFile(d)) {
                            System.err.println("device " + d + " of cached lower " + manifest + " vanished");
                            System.exit(1);
                        }
                    }
                    Thread.sleep(10);
                }
                System.out.println("checked");
            }
            Thread.sleep(20);
        }
    }
}
