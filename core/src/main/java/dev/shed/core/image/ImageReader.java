package dev.shed.core.image;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.ImageConfig;
import dev.shed.core.oci.Index;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import dev.shed.core.oci.Reference;
import dev.shed.core.store.ImageNames;
import dev.shed.core.store.NamedImage;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads images out of a store: names to manifests, indexes and configs, always from the stored bytes. */
public final class ImageReader {
    private final Store store;

    public ImageReader(Store store) {
        this.store = store;
    }

    /** Resolves a name ({@code full}, {@code host/repo:tag}) or a manifest/index digest present in the store. */
    public StoredImage resolve(String nameOrDigest) throws IOException {
        if (nameOrDigest.startsWith(Digest.ALGORITHM + ":")) {
            Digest d = Digest.parse(nameOrDigest);
            Descriptor target = describeStored(d);
            return load(null, target);
        }
        String normalised;
        try {
            normalised = ImageNames.normalise(nameOrDigest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        Reference ref = Reference.parse(nameOrDigest);
        Optional<NamedImage> named = store.names().get(normalised);
        if (named.isEmpty() && ref.digest() != null) named = byDigest(ref);
        if (named.isEmpty()) throw new ImageNotFoundException("no such image: " + normalised);
        if (ref.digest() != null && !ref.digest().equals(named.get().target().digest())) {
            throw new ImageNotFoundException("no such image: " + normalised);
        }
        return load(normalised, named.get().target());
    }

    /**
     * {@code repo:tag@sha256:…} or {@code repo@sha256:…} when no name is stored with the digest in it: the tag's image
     * if it has that digest, else any name of the same repository pointing at it.
     */
    private Optional<NamedImage> byDigest(Reference ref) throws IOException {
        if (ref.tag() != null) {
            Optional<NamedImage> tagged = store.names().get(ref.withTag(ref.tag()).toString());
            if (tagged.isPresent() && tagged.get().target().digest().equals(ref.digest())) return tagged;
            return Optional.empty();
        }
        for (NamedImage n : store.names().list()) {
            if (n.target().digest().equals(ref.digest()) && Reference.parse(n.name()).name().equals(ref.name())) return Optional.of(n);
        }
        return Optional.empty();
    }

    /** Builds a descriptor for a blob found only by digest, sniffing whether it is a manifest or an index. */
    private Descriptor describeStored(Digest d) throws IOException {
        if (!store.blobs().exists(d)) throw new ImageNotFoundException("no such image: " + d);
        byte[] raw = store.blobs().read(d);
        String mt = sniffMediaType(raw, d);
        return new Descriptor(mt, d, raw.length);
    }

    private static String sniffMediaType(byte[] raw, Digest d) {
        var n = dev.shed.core.json.Json.parseObject(raw, "blob " + d);
        String mt = dev.shed.core.json.Json.text(n, "mediaType");
        if (mt != null) return mt;
        if (n.has("manifests")) return MediaType.OCI_INDEX;
        if (n.has("layers")) return MediaType.OCI_MANIFEST;
        throw new ImageNotFoundException(d + " is not a manifest or index");
    }

    public StoredImage load(String name, Descriptor target) throws IOException {
        if (MediaType.isIndex(target.mediaType())) {
            Index index = index(target);
            List<Manifest> present = new ArrayList<>();
            for (Descriptor child : index.manifests()) {
                if (MediaType.isManifest(child.mediaType()) && store.blobs().exists(child.digest())) {
                    present.add(manifest(child));
                }
            }
            return new StoredImage(name, target, index, present);
        }
        return new StoredImage(name, target, null, List.of(manifest(target)));
    }

    public Manifest manifest(Descriptor d) throws IOException {
        byte[] raw = store.blobs().read(d.digest());
        Manifest m = Manifest.parse(raw, d.mediaType());
        if (!m.digest().equals(d.digest())) throw new IOException("stored manifest " + d.digest() + " is corrupt");
        return m;
    }

    public Index index(Descriptor d) throws IOException {
        return Index.parse(store.blobs().read(d.digest()), d.mediaType());
    }

    public ImageConfig config(Manifest m) throws IOException {
        return ImageConfig.parse(store.blobs().read(m.config().digest()), "config " + m.config().digest() + " of manifest " + m.digest());
    }

    /**
     * The manifest's layers, ready to read: each with the {@code rootfs.diff_ids} entry of the config, which the
     * reader checks the uncompressed tar against. Refused when a layer blob is missing or the config does not
     * list one valid diff_id per layer.
     */
    public List<LayerBlob> layers(Manifest m) throws IOException {
        String where = "config " + m.config().digest() + " of manifest " + m.digest();
        if (!store.blobs().exists(m.config().digest())) {
            throw new IOException(where + " is not in the store (pull the image again)");
        }
        List<String> diffIds;
        try {
            diffIds = config(m).diffIds();
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (diffIds.size() != m.layers().size()) {
            throw new IOException(where + " lists " + diffIds.size() + " rootfs.diff_ids for " + m.layers().size() + " layers");
        }
        List<LayerBlob> out = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            Descriptor d = m.layers().get(i);
            if (!store.blobs().exists(d.digest())) {
                throw new IOException("layer " + d.digest() + " of manifest " + m.digest() + " is not in the store (pull the image again)");
            }
            Digest diffId;
            try {
                diffId = Digest.parse(diffIds.get(i));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": rootfs.diff_ids[" + i + "] is not a sha256 digest: '" + diffIds.get(i) + "'");
            }
            out.add(new LayerBlob(d, () -> store.blobs().open(d.digest()), diffId));
        }
        return out;
    }

    /** The manifest of {@code image} for {@code platform} (null: the only one present, else the host's). */
    public Manifest select(StoredImage image, Platform platform) throws IOException {
        if (!image.isIndex()) return image.manifests().get(0);
        Platform wanted = platform != null ? platform : image.manifests().size() == 1 ? null : Platform.host();
        if (wanted == null) return image.manifests().get(0);
        Optional<Descriptor> d = image.index().select(wanted);
        if (d.isEmpty() || !store.blobs().exists(d.get().digest())) {
            throw new ImageNotFoundException((image.name() == null ? image.target().digest().toString() : image.name())
                    + " has no " + wanted + " manifest in the store (present: " + presentPlatforms(image) + ")");
        }
        return manifest(d.get());
    }

    private String presentPlatforms(StoredImage image) {
        List<String> out = new ArrayList<>();
        for (Descriptor d : image.index().manifests()) {
            if (store.blobs().exists(d.digest()) && d.platform() != null) out.add(d.platform().toString());
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }
}
