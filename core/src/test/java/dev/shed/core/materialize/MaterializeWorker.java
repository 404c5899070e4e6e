package dev.shed.core.materialize;

import dev.shed.core.oci.Digest;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import java.nio.file.Path;

/**
 * Another shed process on the same store: materializes one manifest with the shared layout and prints, one line
 * each, "device <layer-short-hex>" for every data device it starts building (from the progress it reports) and
 * "lower <path>" when done. Args: ROOT MANIFEST-DIGEST COMPRESSION.
 */
public final class MaterializeWorker {
    public static void main(String[] args) throws Exception {
        Store store = Store.open(Path.of(args[0]));
        MaterializeOptions opts = MaterializeOptions.defaults().withCompression(MaterializeOptions.Compression.parse(args[2]))
                .withLayout(MaterializeOptions.Layout.SHARED);
        Progress report = new Progress() {
            @Override
            public Task start(String id, String label, long total) {
                if (label.equals("Building data device")) {
                    synchronized (System.out) {
                        System.out.println("device " + id);
                        System.out.flush();
                    }
                }
                return Progress.NONE.start(id, label, total);
            }

            @Override
            public void message(String line) {}
        };
        Lower lower = new Materializer(store, opts, report).materialize(Digest.parse(args[1]));
        System.out.println("lower " + lower.path());
        System.out.flush();
    }
}
