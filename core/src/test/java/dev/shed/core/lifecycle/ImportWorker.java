package dev.shed.core.lifecycle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Another process importing images the way pull and import do: inside a write session, blobs first (skipping
 * ones that exist), then the name. Each image reuses a layer of the image two before it, whose name this
 * worker has just removed — so that layer is garbage a concurrent prune may be deleting right then. Without
 * the write session protocol the "exists, skip" check could see the blob just before prune removes it.
 *
 * <p>Args: storeRoot prefix count. Prints "imported NAME" per image on stdout.
 */
public final class ImportWorker {
    public static void main(String[] args) throws Exception {
        Store store = Store.open(Path.of(args[0]));
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        List<byte[]> uniqueLayers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] own = TestImages.noise(prefix.hashCode() * 1000L + i, 20_000 + i * 100);
            uniqueLayers.add(own);
            List<byte[]> layers = new ArrayList<>();
            if (i >= 2) layers.add(uniqueLayers.get(i - 2));
            layers.add(own);
            String name = prefix + "-" + i;
            try (FileLocks.Held session = store.writeSession()) {
                ArrayNode layerDescs = Json.mapper().createArrayNode();
                for (byte[] l : layers) {
                    Digest d = store.blobs().put(l);
                    layerDescs.add(new Descriptor(MediaType.OCI_LAYER_TAR, d, l.length).toJson());
                    Thread.sleep(5); // widen the window between blob and name
                }
                ObjectNode config = Json.object();
                config.put("architecture", "amd64").put("os", "linux").put("created", "2024-01-01T00:00:00Z");
                config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
                byte[] configBytes = Json.bytes(config);
                Digest configDigest = store.blobs().put(configBytes);
                ObjectNode m = Json.object();
                m.put("schemaVersion", 2);
                m.put("mediaType", MediaType.OCI_MANIFEST);
                m.set("config", new Descriptor(MediaType.OCI_CONFIG, configDigest, configBytes.length).toJson());
                m.set("layers", layerDescs);
                byte[] manifest = Json.bytes(m);
                Digest md = store.blobs().put(manifest);
                store.names().put(name, new Descriptor(MediaType.OCI_MANIFEST, md, manifest.length));
            }
            if (i >= 2) store.names().remove(prefix + "-" + (i - 2));
            System.out.println("imported " + name);
            System.out.flush();
        }
    }
}
