package dev.shed.registry.pull;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.BlobMismatchException;
import dev.shed.core.store.BlobWriter;
import dev.shed.core.store.ContentStore;
import dev.shed.registry.RegistryClient;
import dev.shed.registry.http.RegistryHttp;
import dev.shed.registry.http.TlsRejectedException;
import dev.shed.registry.http.RegistryResponseException;
import dev.shed.registry.http.RetryPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;

/**
 * Downloads one blob into the content store. The store's per-digest lock serialises concurrent fetchers (the
 * second finds the blob present); bytes left by an interrupted attempt or process are kept and the transfer
 * continues from {@link BlobWriter#offset()} with an HTTP Range request. Broken connections and truncated bodies
 * are retried with backoff (the counter restarts whenever an attempt made progress); content that fails
 * verification is thrown away and fetched once more from the start before giving up.
 */
final class BlobDownloader {
    private static final int BUFFER = 1 << 18;
    /** Upper bound on attempts for one blob even while each makes progress. */
    private static final int MAX_TOTAL_ATTEMPTS = 100;

    private final RegistryClient client;
    private final ContentStore blobs;
    private final RetryPolicy retry;
    private final Progress progress;

    BlobDownloader(RegistryClient client, ContentStore blobs, RetryPolicy retry, Progress progress) {
        this.client = client;
        this.blobs = blobs;
        this.retry = retry;
        this.progress = progress;
    }

    /** Fetches {@code d} unless present; returns the bytes transferred. */
    long fetch(Descriptor d) throws IOException {
        Progress.Task task = progress.start(d.digest().shortHex(), "Waiting", d.size());
        if (blobs.exists(d.digest())) {
            task.finish("Already exists");
            return 0;
        }
        long transferred = 0;
        boolean resume = true;
        for (int verification = 1; ; verification++) {
            try (BlobWriter w = blobs.writer(d.digest(), d.size(), resume)) {
                if (blobs.exists(d.digest())) {
                    task.finish("Already exists");
                    return transferred;
                }
                try {
                    transferred += download(d, w, task);
                    task.set(d.size());
                    w.commit();
                    task.finish("Pull complete");
                    return transferred;
                } catch (BlobMismatchException e) {
                    if (verification >= 2) {
                        throw new BlobMismatchException("blob " + d.digest() + " from " + client.repository().name()
                                + " failed verification twice: " + e.getMessage());
                    }
                    resume = false; // whatever is on disk is suspect: start over
                }
            }
        }
    }

    private long download(Descriptor d, BlobWriter w, Progress.Task task) throws IOException {
        long transferred = 0;
        int failures = 0;
        for (int attempt = 1; w.offset() < d.size(); attempt++) {
            long before = w.offset();
            task.set(before);
            try {
                transferred += transferOnce(d, w, task);
                if (w.offset() < d.size()) throw new IOException("body ended after " + w.offset() + " of " + d.size() + " bytes");
            } catch (BlobMismatchException | InterruptedIOException | TlsRejectedException e) {
                throw e;
            } catch (RegistryResponseException e) {
                if (!e.retryable()) throw new IOException("blob " + d.digest() + " of " + client.repository().name() + ": " + e.getMessage(), e);
                failures = retryOrFail(d, e, w.offset() > before ? 1 : failures + 1, attempt);
            } catch (IOException e) {
                failures = retryOrFail(d, e, w.offset() > before ? 1 : failures + 1, attempt);
            }
        }
        return transferred;
    }

    private int retryOrFail(Descriptor d, IOException e, int failures, int attempt) throws IOException {
        if (failures >= retry.maxAttempts() || attempt >= MAX_TOTAL_ATTEMPTS) {
            throw new IOException("blob " + d.digest() + " of " + client.repository().name() + ": " + RegistryHttp.describe(e)
                    + " (gave up after " + attempt + " attempts)", e);
        }
        RegistryHttp.sleep(retry.backoff(failures));
        return failures;
    }

    /** One GET from the current offset, streamed into the writer; returns bytes received. */
    private long transferOnce(Descriptor d, BlobWriter w, Progress.Task task) throws IOException {
        long offset = w.offset();
        HttpResponse<BlobBodySubscriber> resp = client.blob(d.digest(), offset, info -> new BlobBodySubscriber());
        BlobBodySubscriber body = resp.body();
        long skip = 0;
        if (offset > 0) {
            if (resp.statusCode() == 206) {
                long start = contentRangeStart(resp.headers());
                if (start != offset) {
                    body.cancel();
                    throw new IOException("server sent range starting at " + start + ", asked for " + offset);
                }
            } else {
                skip = offset; // Range ignored: the full body comes again, drop what we already have
            }
        }
        task.setLabel("Downloading");
        return body.drainInto(w, skip, task::advance);
    }

    private static long contentRangeStart(java.net.http.HttpHeaders headers) {
        String cr = headers.firstValue("Content-Range").orElse("");
        // bytes START-END/TOTAL
        int sp = cr.indexOf(' ');
        int dash = cr.indexOf('-');
        try {
            return Long.parseLong(cr.substring(sp + 1, dash).trim());
        } catch (RuntimeException e) {
            return -1; // reported as a mismatch with the requested offset
        }
    }
}
