package dev.shed.registry.push;

import dev.shed.core.image.ImageReader;
import dev.shed.core.image.StoredImage;
import dev.shed.core.oci.BootBlob;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import dev.shed.registry.Parallel;
import dev.shed.registry.RegistryClient;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.RegistryTransfer;
import dev.shed.registry.auth.CredentialSource;
import dev.shed.registry.http.HttpClients;
import dev.shed.registry.http.RegistryHttp;
import dev.shed.registry.http.TlsRejectedException;
import dev.shed.registry.http.RegistryResponseException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes a stored image byte for byte: blobs the registry lacks are mounted from the image's source repository
 * when it lives on the same registry, else uploaded (monolithic PUT streamed from the blob file); then each
 * platform manifest by digest and finally the top manifest or index under the tag, all with their stored bytes,
 * so the destination digest equals the local one (checked against the registry's Docker-Content-Digest).
 */
public final class ImagePusher extends RegistryTransfer {
    public ImagePusher(Store store, RegistryOptions options, CredentialSource credentials, Progress progress) {
        super(store, options, credentials, progress, null);
    }

    /** With HTTP clients the caller makes and closes. */
    public ImagePusher(Store store, RegistryOptions options, CredentialSource credentials, Progress progress, HttpClients clients) {
        super(store, options, credentials, progress, clients);
    }

    /** Pushes the local image {@code source} (name or digest) to {@code destination}. */
    public PushResult push(String source, Reference destination) throws IOException {
        StoredImage image = new ImageReader(store).resolve(source);
        Reference from = image.name() == null ? null : Reference.parse(image.name());
        String mountFrom = from != null && from.registry().equals(destination.registry())
                && !from.repository().equals(destination.repository()) ? from.repository() : null;
        List<String> scopes = new ArrayList<>();
        scopes.add(RegistryClient.pushScope(destination));
        if (mountFrom != null) scopes.add(RegistryClient.pullScope(from));
        RegistryClient client = open(destination, scopes);
        progress.message("The push refers to repository [" + destination.name() + "]");

        Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
        for (Manifest m : image.manifests()) {
            for (Descriptor l : m.layers()) blobs.putIfAbsent(l.digest(), l);
            blobs.putIfAbsent(m.config().digest(), m.config());
        }
        for (Descriptor d : blobs.values()) {
            if (!store.blobs().exists(d.digest())) {
                throw new IOException("cannot push " + source + ": blob " + d.digest() + " is not in the store");
            }
        }
        for (Manifest m : image.manifests()) {
            for (BootBlob b : BootBlob.of(m)) {
                if (!store.blobs().exists(b.digest())) {
                    throw new IOException("cannot push " + source + ": its " + b.describe() + " is not in the store");
                }
                blobs.putIfAbsent(b.digest(), b.descriptor(store.blobs().size(b.digest())));
            }
        }
        AtomicLong uploaded = new AtomicLong();
        AtomicInteger uploadedCount = new AtomicInteger();
        AtomicInteger mounted = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        ThreadLocal<RegistryClient> perThread = new ThreadLocal<>();
        List<Parallel.Job<Void>> jobs = new ArrayList<>();
        for (Descriptor d : blobs.values()) {
            jobs.add(() -> {
                switch (pushBlob(onThisThread(perThread, client), d, mountFrom)) {
                    case EXISTS -> skipped.incrementAndGet();
                    case MOUNTED -> mounted.incrementAndGet();
                    case UPLOADED -> {
                        uploadedCount.incrementAndGet();
                        uploaded.addAndGet(d.size());
                    }
                }
                return null;
            });
        }
        Parallel.run(jobs, options.concurrency(), "shed-push");

        String tagOrDigest = destination.tag() != null ? destination.tag() : image.target().digest().toString();
        if (image.isIndex()) {
            for (Descriptor child : image.index().manifests()) {
                if (store.blobs().exists(child.digest())) {
                    putManifest(client, child.digest().toString(), store.blobs().read(child.digest()), child.mediaType(), child.digest());
                } else if (!client.manifestExists(child.digest())) {
                    throw new IOException("cannot push index " + image.target().digest() + " to " + destination + ": its "
                            + (child.platform() == null ? "" : child.platform() + " ") + "manifest " + child.digest()
                            + " is neither in the store (pulled with --platform?) nor in the destination repository");
                }
            }
        }
        byte[] top = store.blobs().read(image.target().digest());
        putManifest(client, tagOrDigest, top, image.target().mediaType(), image.target().digest());
        progress.message((destination.tag() == null ? "" : destination.tag() + ": ") + "digest: " + image.target().digest()
                + " size: " + top.length);
        return new PushResult(destination, image.target(), uploaded.get(), uploadedCount.get(), mounted.get(), skipped.get());
    }

    private enum Outcome { EXISTS, MOUNTED, UPLOADED }

    private Outcome pushBlob(RegistryClient client, Descriptor d, String mountFrom) throws IOException {
        Progress.Task task = progress.start(d.digest().shortHex(), "Preparing", d.size());
        if (client.blobExists(d.digest())) {
            task.finish("Layer already exists");
            return Outcome.EXISTS;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                URI location;
                if (mountFrom != null) {
                    RegistryClient.MountResult m = client.mount(d.digest(), mountFrom);
                    if (m.mounted()) {
                        task.finish("Mounted from " + mountFrom);
                        return Outcome.MOUNTED;
                    }
                    location = m.uploadLocation();
                } else {
                    location = client.startUpload();
                }
                task.setLabel("Pushing");
                task.set(0);
                var file = store.blobs().path(d.digest());
                client.putBlob(location, d.digest(), d.size(),
                        () -> new CountingPublisher(ofFile(file), task::advance));
                task.finish("Pushed");
                return Outcome.UPLOADED;
            } catch (RegistryResponseException e) {
                if (!e.retryable() || attempt >= options.retry().maxAttempts()) throw blobError(client, d, e);
                RegistryHttp.sleep(options.retry().backoff(attempt));
            } catch (InterruptedIOException | TlsRejectedException e) {
                throw e;
            } catch (IOException e) {
                // the upload session may be broken half-way: start a fresh one
                if (attempt >= options.retry().maxAttempts()) throw blobError(client, d, e);
                RegistryHttp.sleep(options.retry().backoff(attempt));
            }
        }
    }

    private static HttpRequest.BodyPublisher ofFile(java.nio.file.Path file) {
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (java.io.FileNotFoundException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static IOException blobError(RegistryClient client, Descriptor d, IOException e) {
        return new IOException("pushing blob " + d.digest() + " to " + client.repository().name() + ": " + e.getMessage(), e);
    }

    private static void putManifest(RegistryClient client, String tagOrDigest, byte[] bytes, String mediaType, Digest expected)
            throws IOException {
        Optional<String> reported;
        try {
            reported = client.putManifest(tagOrDigest, bytes, mediaType);
        } catch (RegistryResponseException e) {
            throw new IOException("pushing manifest " + expected + " to " + client.repository().name() + ": " + e.getMessage(), e);
        }
        if (reported.isPresent() && !reported.get().equals(expected.toString())) {
            throw new IOException("registry " + client.repository().registry() + " stored manifest " + expected + " as "
                    + reported.get() + "; the push is not byte-perfect");
        }
        if (!MediaType.isManifest(mediaType) && !MediaType.isIndex(mediaType)) {
            throw new IllegalStateException("unexpected media type " + mediaType);
        }
    }
}
