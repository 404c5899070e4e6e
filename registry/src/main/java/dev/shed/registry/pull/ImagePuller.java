package dev.shed.registry.pull;

import dev.shed.core.oci.BootBlob;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Index;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.registry.Parallel;
import dev.shed.registry.RegistryClient;
import dev.shed.registry.RegistryClient.FetchedManifest;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.RegistryTransfer;
import dev.shed.registry.auth.CredentialSource;
import dev.shed.registry.http.HttpClients;
import dev.shed.registry.http.RegistryResponseException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Pulls an image into the store. Order matters for crash safety and concurrent prune: the whole pull holds the
 * store's write session; blobs land first (verified), then the manifests' exact bytes, then the index's, and
 * only then the name. An interrupted pull leaves no name and no partial blob — just resumable ingest files.
 */
public final class ImagePuller extends RegistryTransfer {
    public ImagePuller(Store store, RegistryOptions options, CredentialSource credentials, Progress progress) {
        super(store, options, credentials, progress, null);
    }

    /** With HTTP clients the caller makes and closes. */
    public ImagePuller(Store store, RegistryOptions options, CredentialSource credentials, Progress progress, HttpClients clients) {
        super(store, options, credentials, progress, clients);
    }

    public PullResult pull(PullRequest request) throws IOException {
        Reference ref = request.reference();
        RegistryClient client = open(ref, List.of(RegistryClient.pullScope(ref)));
        try (FileLocks.Held session = store.writeSession()) {
            if (ref.tag() != null) progress.message(ref.tag() + ": Pulling from " + ref.name());
            else progress.message("Pulling " + ref);
            FetchedManifest top = fetchManifest(client, ref.tagOrDigest(), ref);
            List<Manifest> manifests = new ArrayList<>();
            Index index = null;
            if (MediaType.isIndex(top.mediaType())) {
                index = Index.parse(top.bytes(), top.mediaType());
                for (Descriptor child : chooseManifests(index, request)) {
                    FetchedManifest m = fetchManifest(client, child.digest().toString(), ref);
                    manifests.add(Manifest.parse(m.bytes(), child.mediaType()));
                }
            } else {
                manifests.add(Manifest.parse(top.bytes(), top.mediaType()));
            }

            for (Manifest m : manifests) request.limits().check(m, ref.toString());
            Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
            for (Manifest m : manifests) {
                for (Descriptor l : m.layers()) blobs.putIfAbsent(l.digest(), l);
                blobs.putIfAbsent(m.config().digest(), m.config());
            }
            for (Manifest m : manifests) {
                for (BootBlob b : BootBlob.of(m)) {
                    if (!blobs.containsKey(b.digest())) blobs.put(b.digest(), bootDescriptor(client, b, ref));
                }
            }
            ThreadLocal<RegistryClient> perThread = new ThreadLocal<>();
            List<Parallel.Job<Long>> jobs = new ArrayList<>();
            for (Descriptor d : blobs.values()) {
                jobs.add(() -> new BlobDownloader(onThisThread(perThread, client), store.blobs(), options.retry(), progress).fetch(d));
            }
            List<Long> sizes = Parallel.run(jobs, options.concurrency(), "shed-pull");
            long bytes = sizes.stream().mapToLong(Long::longValue).sum();
            int fetched = (int) sizes.stream().filter(s -> s > 0).count();

            // a config shed can't read must never get a name (it would break `image ls` for the whole store)
            for (Manifest m : manifests) dev.shed.core.image.ConfigCheck.check(store.blobs().read(m.config().digest()), m, ref.toString());
            List<Digest> stored = new ArrayList<>();
            for (Manifest m : manifests) stored.add(store.blobs().put(m.raw()));
            Descriptor target = index != null ? index.descriptor() : manifests.get(0).descriptor();
            if (index != null) store.blobs().put(index.raw());
            String name = ref.toString();
            store.names().put(name, target);
            progress.message("Digest: " + target.digest());
            progress.message("Status: " + (fetched > 0 ? "Downloaded newer image for " : "Image is up to date for ") + name);
            return new PullResult(name, target, stored, bytes, fetched);
        }
    }

    /** A kernel/initrd named by annotation, sized by the registry: the image is refused without it. */
    private Descriptor bootDescriptor(RegistryClient client, BootBlob b, Reference ref) throws IOException {
        if (store.blobs().exists(b.digest())) return b.descriptor(store.blobs().size(b.digest()));
        OptionalLong size = client.blobSize(b.digest());
        if (size.isEmpty()) {
            throw new dev.shed.core.image.ImageNotFoundException("pulling " + ref + ": the image's " + b.describe()
                    + " is not in " + client.repository().name());
        }
        return b.descriptor(size.getAsLong());
    }

    private List<Descriptor> chooseManifests(Index index, PullRequest request) {
        if (request.allPlatforms()) {
            List<Descriptor> all = index.manifests().stream().filter(d -> MediaType.isManifest(d.mediaType())).toList();
            if (all.isEmpty()) throw new IllegalArgumentException(request.reference() + ": index lists no image manifests");
            return all;
        }
        Platform wanted = request.platform() != null ? request.platform() : Platform.host();
        Optional<Descriptor> chosen = index.select(wanted);
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException(request.reference() + " has no manifest for platform " + wanted
                    + " (available: " + String.join(", ", index.platformNames()) + ")");
        }
        return List.of(chosen.get());
    }

    private static FetchedManifest fetchManifest(RegistryClient client, String tagOrDigest, Reference ref) throws IOException {
        try {
            return client.manifest(tagOrDigest);
        } catch (RegistryResponseException e) {
            if (e.status() == 404) {
                throw new dev.shed.core.image.ImageNotFoundException("manifest " + client.repository().name() + "@" + tagOrDigest
                        + " not found in the registry (pulling " + ref + ")");
            }
            throw new IOException("pulling " + ref + ": " + e.getMessage(), e);
        }
    }
}
