package dev.shed.core.image;

import dev.shed.core.image.archive.ImageSource;
import dev.shed.core.image.archive.SourceImage;
import dev.shed.core.oci.BootBlob;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.ImageConfig;
import dev.shed.core.oci.Index;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.BlobMismatchException;
import dev.shed.core.store.BlobWriter;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreDirs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings images from an archive (OCI layout directory or tar, {@code docker save} tar) into the store: the code
 * path of {@code shed image build --from-oci-archive} and {@code shed image load}.
 *
 * <p>Order matters for crash safety: all manifests are read and checked first (digest, size, 4 MiB, schema 1,
 * layer limit, platform); then, inside one {@link Store#writeSession()}, every blob is streamed into the store and
 * verified against its digest and size (layers, configs, the kernel and initrd a manifest names by annotation
 * ({@link BootBlob}), manifests, indexes: children before parents); names are
 * written last, so a name never points at anything incomplete and a refused archive names nothing.
 */
public final class ArchiveImporter {
    /** What to import: {@code tag} renames the one selected image, {@code image} selects one by its archive name. */
    public record Options(String tag, String image, Platform platform, ImageLimits limits) {
        public Options {
            if (limits == null) limits = ImageLimits.DEFAULT;
        }
    }

    /** One named result. */
    public record Imported(String name, Descriptor target) {}

    private final Store store;
    private final Progress progress;

    public ArchiveImporter(Store store, Progress progress) {
        this.store = store;
        this.progress = progress;
    }

    public List<Imported> importFrom(Path archive, Options options) throws IOException {
        try (ImageSource source = ImageSource.open(archive, StoreDirs.ensure(store.layout(), store.layout().tmpDir()))) {
            return importFrom(source, options);
        }
    }

    public List<Imported> importFrom(ImageSource source, Options options) throws IOException {
        List<SourceImage> selected = select(source, options);
        // Plan: read and check every manifest before writing anything.
        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        List<Descriptor> parents = new ArrayList<>();
        List<Imported> names = new ArrayList<>();
        Map<Digest, Descriptor> targets = new LinkedHashMap<>();
        for (SourceImage img : selected) {
            Descriptor target = plain(img.target());
            if (!targets.containsKey(target.digest())) {
                targets.put(target.digest(), target);
                plan(source, target, options, blobs, parents, nameOf(img, options));
            }
            names.add(new Imported(options.tag() != null ? normaliseTag(options.tag()) : img.name(), target));
        }
        List<Descriptor> ordered = new ArrayList<>(blobs.values());
        for (Descriptor p : parents) if (!blobs.containsKey(p.digest())) ordered.add(p);
        try (FileLocks.Held session = store.writeSession()) {
            stageVerifyPublish(source, ordered);
            for (Imported n : names) store.names().put(n.name(), n.target());
        }
        return names;
    }

    private List<SourceImage> select(ImageSource source, Options options) {
        List<SourceImage> all = source.images();
        if (all.isEmpty()) throw new IllegalArgumentException(source.describe() + ": the archive holds no images");
        List<SourceImage> selected = all;
        if (options.image() != null) {
            String wanted = normaliseTag(options.image());
            selected = all.stream().filter(i -> wanted.equals(i.name())).toList();
            if (selected.isEmpty()) {
                throw new ImageNotFoundException(source.describe() + ": no image named " + wanted + " (it holds: " + namesOf(all) + ")");
            }
        }
        if (options.tag() != null) {
            long distinct = selected.stream().map(i -> i.target().digest()).distinct().count();
            if (distinct > 1) {
                throw new IllegalArgumentException(source.describe() + " holds " + distinct + " images (" + namesOf(selected)
                        + "); --tag names one: choose it with --image NAME");
            }
            selected = List.of(selected.get(0));
        } else {
            for (SourceImage i : selected) {
                if (i.name() == null) {
                    throw new IllegalArgumentException(source.describe() + ": image " + i.target().digest()
                            + " has no name (no ref.name annotation); give one with --tag");
                }
            }
        }
        return selected;
    }

    private static String namesOf(List<SourceImage> images) {
        List<String> out = new ArrayList<>();
        for (SourceImage i : images) out.add(i.name() == null ? "unnamed " + i.target().digest().shortHex() : i.name());
        return String.join(", ", out);
    }

    private static String nameOf(SourceImage img, Options options) {
        if (options.tag() != null) return normaliseTag(options.tag());
        return img.name() != null ? img.name() : img.target().digest().toString();
    }

    /** A name to store: a reference with a tag (a digest-only reference can't be a name). */
    public static String normaliseTag(String name) {
        Reference ref = Reference.parse(name);
        if (ref.digest() != null) throw new IllegalArgumentException("invalid name '" + name + "': a name can't contain a digest");
        return ref.toString();
    }

    /** The descriptor as the store will name it: no archive annotations (ref names are the store's own). */
    private static Descriptor plain(Descriptor d) {
        return new Descriptor(d.mediaType(), d.digest(), d.size(), d.platform(), null, null);
    }

    private void plan(ImageSource source, Descriptor target, Options options, Map<Digest, Descriptor> blobs,
                      List<Descriptor> parents, String what) throws IOException {
        if (MediaType.isIndex(target.mediaType())) {
            Index index = Index.parse(readChecked(source, target, what), target.mediaType());
            List<Descriptor> children = new ArrayList<>();
            if (options.platform() != null) {
                Descriptor child = index.select(options.platform()).orElseThrow(() -> new ImageNotFoundException(
                        what + " has no " + options.platform() + " manifest (offers: " + String.join(", ", index.platformNames()) + ")"));
                if (!source.has(child.digest())) throw new IllegalArgumentException(what + ": the archive lacks the " + options.platform() + " manifest " + child.digest());
                children.add(child);
            } else {
                for (Descriptor c : index.manifests()) {
                    if (MediaType.isManifest(c.mediaType()) && source.has(c.digest())) children.add(c);
                }
                if (children.isEmpty()) throw new IllegalArgumentException(what + ": the archive holds none of the index's manifests");
            }
            for (Descriptor c : children) planManifest(source, c, null, options, blobs, parents, what + " " + (c.platform() == null ? "" : c.platform()));
            parents.add(target);
        } else if (MediaType.isManifest(target.mediaType()) || MediaType.isSchema1(target.mediaType())) {
            planManifest(source, target, options.platform(), options, blobs, parents, what);
        } else {
            throw new IllegalArgumentException(what + ": " + target.digest() + " has media type " + target.mediaType() + ", not an image manifest or index");
        }
    }

    private void planManifest(ImageSource source, Descriptor d, Platform wanted, Options options,
                              Map<Digest, Descriptor> blobs, List<Descriptor> parents, String what) throws IOException {
        Manifest m = Manifest.parse(readChecked(source, d, what), d.mediaType());
        options.limits().check(m, what.strip());
        byte[] config = readChecked(source, m.config(), what + " config");
        ImageConfig parsed = ConfigCheck.check(config, m, what.strip()); // a config shed can't read would break ls for the whole store
        if (wanted != null) {
            Platform actual = parsed == null ? null : parsed.platform();
            if (!wanted.matches(actual)) {
                throw new ImageNotFoundException(what + " is for " + (actual == null ? "an unknown platform" : actual) + ", not " + wanted);
            }
        }
        for (Descriptor l : m.layers()) {
            if (!source.has(l.digest()) && MediaType.isNondistributable(l.mediaType())) continue;
            blobs.putIfAbsent(l.digest(), l);
        }
        blobs.putIfAbsent(m.config().digest(), m.config());
        for (BootBlob b : BootBlob.of(m)) {
            if (!source.has(b.digest())) throw new IllegalArgumentException(what.strip() + ": the archive lacks the image's " + b.describe());
            blobs.putIfAbsent(b.digest(), b.descriptor(source.size(b.digest())));
        }
        parents.add(d);
    }

    /** Reads a small document and checks its digest and size against the descriptor that names it. */
    private static byte[] readChecked(ImageSource source, Descriptor d, String what) throws IOException {
        if (!source.has(d.digest())) throw new IllegalArgumentException(what + ": the archive lacks blob " + d.digest());
        boolean document = MediaType.isManifest(d.mediaType()) || MediaType.isIndex(d.mediaType()) || MediaType.isSchema1(d.mediaType());
        long size = source.size(d.digest());
        if (document && size > Manifest.MAX_BYTES) {
            throw new IllegalArgumentException(what + ": manifest " + d.digest() + " is " + size + " bytes, more than the 4 MiB limit");
        }
        byte[] raw = source.read(d.digest(), 64L << 20);
        Digest actual = Digest.of(raw);
        if (!actual.equals(d.digest())) {
            throw new IllegalArgumentException(what + ": blob " + d.digest() + " in " + source.describe() + " has digest " + actual + " (corrupt or tampered)");
        }
        if (raw.length != d.size()) {
            throw new IllegalArgumentException(what + ": blob " + d.digest() + " is " + raw.length + " bytes, its descriptor says " + d.size());
        }
        return raw;
    }

    /**
     * Streams every missing blob into the ingest area and verifies it; only when all of them verified are they
     * published (children first). So a refused archive stores nothing at all. Per-blob locks are taken in digest
     * order, so two processes importing overlapping archives can't deadlock; a blob another process published
     * meanwhile is skipped.
     */
    private void stageVerifyPublish(ImageSource source, List<Descriptor> ordered) throws IOException {
        List<Descriptor> byDigest = new ArrayList<>(ordered);
        byDigest.sort(java.util.Comparator.comparing(Descriptor::digest));
        Map<Digest, BlobWriter> staged = new LinkedHashMap<>();
        try {
            for (Descriptor d : byDigest) {
                Progress.Task task = progress.start(d.digest().shortHex(), "Copying", d.size());
                if (staged.containsKey(d.digest()) || store.blobs().exists(d.digest())) {
                    task.finish("Already exists");
                    continue;
                }
                if (!source.has(d.digest())) throw new IllegalArgumentException(source.describe() + ": the archive lacks blob " + d.digest());
                BlobWriter w = store.blobs().writer(d.digest(), d.size(), false);
                staged.put(d.digest(), w);
                if (store.blobs().exists(d.digest())) {
                    task.finish("Already exists");
                    continue;
                }
                try (InputStream in = source.open(d.digest())) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        w.write(buf, 0, n);
                        task.advance(n);
                    }
                    w.verify();
                } catch (BlobMismatchException e) {
                    throw new BlobMismatchException(source.describe() + ": " + e.getMessage() + " (refused; nothing stored)");
                }
                task.finish("Verified");
            }
            for (Descriptor d : ordered) {
                BlobWriter w = staged.get(d.digest());
                if (w != null && !store.blobs().exists(d.digest())) w.commit();
            }
        } finally {
            for (BlobWriter w : staged.values()) w.close();
        }
    }

}
