package dev.shed.core.store;

import dev.shed.core.oci.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where everything lives under a store root. The root is an OCI image layout (oci-layout, index.json,
 * blobs/sha256/) so skopeo and umoci can read it; cache/ holds materialized lowers (the seed's
 * cache/sha256/&lt;manifest-hex&gt;.erofs); shed/ holds shed's own state, which OCI tools ignore.
 */
public record StoreLayout(Path root) {

    public StoreLayout {
        root = root.toAbsolutePath().normalize();
        // A root that is itself a symlink (a store kept on another disk) is used through its target: nothing below
        // the root is ever followed through a link (StoreDirs), and the root's own name must not count as one.
        if (Files.isSymbolicLink(root)) {
            try {
                root = root.toRealPath();
            } catch (IOException dangling) {
                // left as named: creating the store there fails with the path in the message
            }
        }
    }

    public Path ociLayoutFile() { return root.resolve("oci-layout"); }
    public Path indexFile() { return root.resolve("index.json"); }
    public Path blobsDir() { return root.resolve("blobs").resolve("sha256"); }
    public Path blob(Digest d) { return blobsDir().resolve(d.hex()); }

    public Path cacheDir() { return root.resolve("cache").resolve("sha256"); }
    public Path erofsLower(Digest manifest) { return cacheDir().resolve(manifest.hex() + ".erofs"); }
    /** The parameters a lower was built with, beside it; a lower without a matching record is rebuilt. */
    public Path erofsLowerRecord(Digest manifest) { return cacheDir().resolve(manifest.hex() + ".erofs.json"); }
    /** Data devices of shared lowers: one per layer and device key (see docs/shared-lowers.md). */
    public Path layerDevicesDir() { return root.resolve("cache").resolve("layers").resolve("sha256"); }
    /** A layer's data device: its files' data, built with the parameters {@code key} names. */
    public Path layerDevice(Digest layer, String key) { return layerDevicesDir().resolve(layer.hex() + "." + key + ".erofsdev"); }
    /** The index of a data device: every entry of the layer and where its data sits; written after the device. */
    public Path layerDeviceIndex(Digest layer, String key) { return layerDevicesDir().resolve(layer.hex() + "." + key + ".erofsdev.idx"); }
    /** Legacy per-layer ext4 caches of shed v0.5.0: accounted and prunable, never served. */
    public Path legacyExt4(Digest layer) { return cacheDir().resolve(layer.hex() + ".ext4"); }

    public Path stateDir() { return root.resolve("shed"); }
    /** In-progress blob writes, one file per digest being written (or a random name when unknown). */
    public Path ingestDir() { return stateDir().resolve("ingest"); }
    /** Scratch space for in-progress derived files (lowers being built, archives being written). */
    public Path tmpDir() { return stateDir().resolve("tmp"); }
    public Path locksDir() { return stateDir().resolve("locks"); }
    public Path shedsDir() { return stateDir().resolve("sheds"); }
    public Path snapshotsDir() { return stateDir().resolve("snapshots"); }
    public Path mountsDir() { return stateDir().resolve("mounts"); }
    public Path configFile() { return stateDir().resolve("config.json"); }
    /** Last-use times of lowers for LRU eviction (one small file per manifest: its mtime is the time). */
    public Path usageDir() { return stateDir().resolve("usage"); }
    /** Guest initrds shed wrote, one per content hash (see docs/boot.md). */
    public Path initrdCacheDir() { return stateDir().resolve("vm").resolve("initrd"); }
}
