package dev.shed.cli.shed;

import dev.shed.core.config.StoreConfig;
import dev.shed.core.image.ImageNotFoundException;
import dev.shed.core.oci.Platform;
import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.shed.ImageSource;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.store.Store;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.auth.DockerConfigCredentials;
import dev.shed.registry.pull.ImagePuller;
import dev.shed.registry.pull.PullRequest;
import dev.shed.registry.pull.PullResult;
import dev.shed.registry.http.TlsRejectedException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code shed create --image REF}: the image from the store, pulled first when it is missing and REF names a
 * registry host ({@code registry.local:5000/team/app:1}, {@code localhost/x}, {@code docker.io/library/debian}).
 * A bare name ({@code full}) is a local name and is never looked up remotely: a typo gives "no such image" at
 * once instead of a network error. Pull concurrency, insecure registries and CA files come from the store's config
 * (and {@code --ca-cert}).
 * {@code shed create} calls this inside its write session, so the pulled image is pinned before prune can run.
 */
final class PullingImageSource implements ImageSource {
    private final Store store;
    private final StoreConfig config;
    private final List<Path> caFiles;
    private final Progress progress;
    private final LocalImageSource local;

    PullingImageSource(Store store, StoreConfig config, List<Path> caFiles, Progress progress) {
        this.store = store;
        this.config = config;
        this.caFiles = List.copyOf(caFiles);
        this.progress = progress;
        this.local = new LocalImageSource(store);
    }

    @Override
    public Resolved resolve(String ref, Platform platform) throws IOException {
        try {
            return local.resolve(ref, platform);
        } catch (ImageNotFoundException missing) {
            if (!namesRegistry(ref)) throw missing;
        }
        PullResult pulled;
        RegistryOptions options = RegistryOptions.from(config).withCaFiles(caFiles);
        try (ImagePuller puller = new ImagePuller(store, options, DockerConfigCredentials.fromEnvironment(), progress)) {
            pulled = puller.pull(new PullRequest(Reference.parse(ref), platform, false));
        } catch (TlsRejectedException e) {
            throw new IOException("pulling " + ref + ": " + e.getMessage(), e);
        }
        return local.resolve(pulled.target().digest().toString(), platform).withImage(pulled.name());
    }

    /** Whether the first path component is a registry host, as docker decides it. */
    static boolean namesRegistry(String ref) {
        int slash = ref.indexOf('/');
        if (slash < 0) return false;
        String first = ref.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[");
    }
}
