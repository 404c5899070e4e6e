package dev.shed.registry;

import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import dev.shed.registry.auth.CredentialSource;
import dev.shed.registry.http.HttpClients;
import java.io.IOException;
import java.util.List;

/**
 * What a pull or a push works with: the store, the registry options and credentials, progress, and the HTTP
 * clients — made here and stopped by {@link #close()}, or the caller's (then left running).
 */
public abstract class RegistryTransfer implements AutoCloseable {
    protected final Store store;
    protected final RegistryOptions options;
    protected final CredentialSource credentials;
    protected final Progress progress;
    private final HttpClients clients;
    private final boolean ownsClients;

    /** @param clients the caller's HTTP clients (it closes them), or null: this transfer makes and stops its own */
    protected RegistryTransfer(Store store, RegistryOptions options, CredentialSource credentials, Progress progress, HttpClients clients) {
        this.store = store;
        this.options = options;
        this.credentials = credentials;
        this.progress = progress;
        this.ownsClients = clients == null;
        this.clients = clients != null ? clients : new HttpClients(options.tls());
    }

    /** A client for {@code repo} whose token covers {@code scopes}. */
    protected RegistryClient open(Reference repo, List<String> scopes) throws IOException {
        return RegistryClient.open(repo, scopes, options, credentials, clients.newClient(repo.registry()));
    }

    /**
     * {@code client} on this thread's own HTTP client: the JDK client reads all of its connections on one selector
     * thread, which serialises the socket reads of parallel transfers (measured: ~20% longer pulls of a 3-layer
     * image under CPU contention).
     */
    protected RegistryClient onThisThread(ThreadLocal<RegistryClient> perThread, RegistryClient client) throws IOException {
        RegistryClient c = perThread.get();
        if (c == null) {
            c = client.via(clients.newClient(client.repository().registry()));
            perThread.set(c);
        }
        return c;
    }

    /** Stops the HTTP clients this instance made itself (ones passed in stay the caller's). */
    @Override
    public void close() {
        if (ownsClients) clients.close();
    }
}
