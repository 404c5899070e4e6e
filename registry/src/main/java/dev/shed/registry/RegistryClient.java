package dev.shed.registry;

import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Reference;
import dev.shed.registry.auth.Authenticator;
import dev.shed.registry.auth.CredentialSource;
import dev.shed.registry.http.RegistryEndpoint;
import dev.shed.registry.http.RegistryHttp;
import dev.shed.registry.http.RegistryHttp.Call;
import dev.shed.registry.http.RegistryResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The distribution API (OCI distribution-spec) for one repository: manifests by tag or digest, blobs (with Range
 * for resume), blob uploads and cross-repository mounts. Manifest bytes are returned exactly as received and
 * verified against their digest.
 */
public final class RegistryClient {
    /** Everything shed can store, most preferred first. */
    static final String MANIFEST_ACCEPT = String.join(", ", MediaType.OCI_INDEX, MediaType.OCI_MANIFEST,
            MediaType.DOCKER_MANIFEST_LIST, MediaType.DOCKER_MANIFEST);

    private final Reference repo;
    private final RegistryHttp http;

    public RegistryClient(Reference repo, RegistryHttp http) {
        this.repo = repo;
        this.http = http;
    }

    /** The endpoint of a registry under these options (scheme from loopback, insecure hosts and CA files). */
    public static RegistryEndpoint endpoint(String registry, RegistryOptions options) {
        return RegistryEndpoint.of(registry, options.insecureRegistries(), !options.tls().caFilesFor(registry).isEmpty());
    }

    /** A client for {@code repo} whose token covers {@code scopes} (e.g. repository:x:pull,push). */
    public static RegistryClient open(Reference repo, List<String> scopes, RegistryOptions options, CredentialSource creds,
                                      HttpClient client) {
        RegistryEndpoint ep = endpoint(repo.registry(), options);
        Authenticator auth = new Authenticator(client, repo.registry(), creds, scopes);
        return new RegistryClient(repo, new RegistryHttp(ep, client, auth, options.retry()));
    }

    public static String pullScope(Reference r) {
        return "repository:" + r.repository() + ":pull";
    }

    public static String pushScope(Reference r) {
        return "repository:" + r.repository() + ":pull,push";
    }

    public Reference repository() {
        return repo;
    }

    /** This repository over another HTTP client (sharing the token); see {@link RegistryHttp#via}. */
    public RegistryClient via(HttpClient other) {
        return new RegistryClient(repo, http.via(other));
    }

    public RegistryHttp http() {
        return http;
    }

    private URI api(String tail) {
        return http.endpoint().resolve("/v2/" + repo.repository() + "/" + tail);
    }

    /** Manifest or index bytes exactly as served, with the media type the registry declared. */
    public record FetchedManifest(byte[] bytes, String mediaType, Digest digest) {}

    /**
     * GETs a manifest by tag or digest. Verifies: sha256 of the body equals the requested digest (digest pulls)
     * and the registry's Docker-Content-Digest header when present.
     */
    public FetchedManifest manifest(String tagOrDigest) throws IOException {
        HttpResponse<InputStream> resp = http.send(Call.get(api("manifests/" + tagOrDigest), Map.of("Accept", MANIFEST_ACCEPT)));
        byte[] body;
        try (InputStream in = resp.body()) {
            body = in.readNBytes(Manifest.MAX_BYTES + 1);
        }
        String where = repo.name() + "@" + tagOrDigest;
        if (body.length > Manifest.MAX_BYTES) throw new IOException("manifest " + where + " exceeds the 4 MiB limit");
        Digest actual = Digest.of(body);
        Optional<String> header = resp.headers().firstValue("Docker-Content-Digest");
        if (header.isPresent() && !header.get().equals(actual.toString())) {
            throw new IOException("manifest " + where + ": registry says digest " + header.get() + " but the bytes hash to " + actual);
        }
        if (tagOrDigest.startsWith(Digest.ALGORITHM + ":") && !tagOrDigest.equals(actual.toString())) {
            throw new IOException("manifest " + where + ": content hashes to " + actual);
        }
        String mt = resp.headers().firstValue("Content-Type").map(RegistryClient::stripParams).orElse("");
        if (!MediaType.isManifest(mt) && !MediaType.isIndex(mt)) mt = sniff(body, where, mt);
        return new FetchedManifest(body, mt, actual);
    }

    /** The document's own mediaType, for registries that serve a generic Content-Type. */
    private static String sniff(byte[] body, String where, String served) throws IOException {
        var n = dev.shed.core.json.Json.parseObject(body, "manifest " + where);
        String inner = dev.shed.core.json.Json.text(n, "mediaType");
        if (inner != null) return inner;
        if (n.has("manifests")) return MediaType.OCI_INDEX;
        if (n.has("layers")) return MediaType.OCI_MANIFEST;
        throw new IOException("manifest " + where + ": unsupported media type '" + served + "'");
    }

    static String stripParams(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    }

    public boolean manifestExists(Digest d) throws IOException {
        return exists(Call.head(api("manifests/" + d), Map.of("Accept", MANIFEST_ACCEPT)));
    }

    public boolean blobExists(Digest d) throws IOException {
        return exists(Call.head(api("blobs/" + d), Map.of()));
    }

    /**
     * The size of a blob the repository holds (HEAD, Content-Length), or empty when it has none. For blobs no
     * descriptor sizes (a kernel named by annotation); the digest still verifies what is then fetched.
     */
    public java.util.OptionalLong blobSize(Digest d) throws IOException {
        try {
            HttpResponse<Void> resp = http.sendDiscarding(Call.head(api("blobs/" + d), Map.of()));
            java.util.OptionalLong length = resp.headers().firstValueAsLong("Content-Length");
            if (length.isEmpty()) throw new IOException("registry gave no Content-Length for blob " + d + " of " + repo.name());
            return length;
        } catch (RegistryResponseException e) {
            if (e.status() == 404) return java.util.OptionalLong.empty();
            throw e;
        }
    }

    private boolean exists(Call call) throws IOException {
        try {
            http.sendDiscarding(call);
            return true;
        } catch (RegistryResponseException e) {
            if (e.status() == 404) return false;
            throw e;
        }
    }

    /**
     * Downloads a blob from {@code offset} (Range) into the subscriber {@code body} makes for the response, which
     * checks 200 vs 206. Returns once the body has been consumed.
     */
    public <T> HttpResponse<T> blob(Digest d, long offset, HttpResponse.BodyHandler<T> body) throws IOException {
        Map<String, String> h = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
        return http.send(Call.get(api("blobs/" + d), h), body);
    }

    /** Result of trying to mount a blob: mounted, or an upload session to use instead. */
    public record MountResult(boolean mounted, URI uploadLocation) {}

    public MountResult mount(Digest d, String fromRepository) throws IOException {
        URI uri = api("blobs/uploads/?mount=" + enc(d.toString()) + "&from=" + enc(fromRepository));
        HttpResponse<Void> r = http.sendDiscarding(new Call("POST", uri, Map.of(), HttpRequest.BodyPublishers::noBody));
        if (r.statusCode() == 201) return new MountResult(true, null);
        return new MountResult(false, location(r, uri));
    }

    /** Opens an upload session (POST /blobs/uploads/) and returns where to send the bytes. */
    public URI startUpload() throws IOException {
        URI uri = api("blobs/uploads/");
        HttpResponse<Void> r = http.sendDiscarding(new Call("POST", uri, Map.of(), HttpRequest.BodyPublishers::noBody));
        return location(r, uri);
    }

    private URI location(HttpResponse<?> r, URI request) throws IOException {
        String loc = r.headers().firstValue("Location")
                .orElseThrow(() -> new IOException(repo.name() + ": upload session without Location (status " + r.statusCode() + ")"));
        return request.resolve(loc);
    }

    /** Finishes an upload session in one PUT carrying the whole blob (monolithic upload). */
    public void putBlob(URI location, Digest d, long size, java.util.function.Supplier<HttpRequest.BodyPublisher> body) throws IOException {
        String sep = location.getRawQuery() == null ? "?" : "&";
        URI uri = URI.create(location + sep + "digest=" + enc(d.toString()));
        HttpResponse<Void> r = http.sendDiscarding(new Call("PUT", uri, Map.of("Content-Type", "application/octet-stream"), body));
        if (r.statusCode() != 201 && r.statusCode() != 204 && r.statusCode() != 200) {
            throw new IOException(repo.name() + ": upload of blob " + d + " answered " + r.statusCode());
        }
    }

    /** PUTs manifest bytes verbatim under a tag or digest; returns the digest the registry reports. */
    public Optional<String> putManifest(String tagOrDigest, byte[] bytes, String mediaType) throws IOException {
        HttpResponse<Void> r = http.sendDiscarding(new Call("PUT", api("manifests/" + tagOrDigest), Map.of("Content-Type", mediaType),
                () -> HttpRequest.BodyPublishers.ofByteArray(bytes)));
        return r.headers().firstValue("Docker-Content-Digest");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
