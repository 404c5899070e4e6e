package dev.shed.cli.shed;

import dev.shed.cli.Main;
import dev.shed.core.image.ImageReader;
import dev.shed.core.image.StoredImage;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Manifest;
import dev.shed.core.store.Store;
import java.nio.file.Path;

/**
 * A shed user in another process, importing for a while: {@code shed image build --from-oci-archive} of two
 * layouts in turn under names K-a / K-b, removing the other name each time — so the blobs of the next import
 * are garbage a concurrent prune may be deleting at that very moment. After every import the worker checks its
 * image is whole (every blob present and hashing right) and prints "ok NAME"; any failure exits non-zero.
 *
 * <p>Args: storeRoot workerId rounds layoutA layoutB.
 */
public final class ImportLoop {
    public static void main(String[] args) throws Exception {
        String root = args[0];
        String id = args[1];
        int rounds = Integer.parseInt(args[2]);
        Path[] layouts = {Path.of(args[3]), Path.of(args[4])};
        for (int r = 0; r < rounds; r++) {
            String name = id + "-" + (r % 2 == 0 ? "a" : "b");
            String other = id + "-" + (r % 2 == 0 ? "b" : "a");
            int exit = Main.run("--root", root, "image", "build", "--from-oci-archive", layouts[r % 2].toString(), "--tag", name);
            if (exit != 0) fail("import " + name + " exited " + exit);
            Store store = Store.open(Path.of(root));
            ImageReader reader = new ImageReader(store);
            StoredImage img = reader.resolve(name);
            for (Manifest m : img.manifests()) {
                check(store, m.config());
                for (Descriptor l : m.layers()) check(store, l);
            }
            if (r > 0 && Main.run("--root", root, "image", "rm", other) != 0) fail("rm " + other);
            System.out.println("ok " + name);
            System.out.flush();
        }
        System.exit(0);
    }

    private static void check(Store store, Descriptor d) throws Exception {
        if (!store.blobs().exists(d.digest()) || !store.blobs().verify(d.digest())) fail("blob " + d.digest() + " lost or corrupt");
    }

    private static void fail(String why) {
        System.out.println("FAILED " + why);
        System.out.flush();
        System.exit(1);
    }
}
