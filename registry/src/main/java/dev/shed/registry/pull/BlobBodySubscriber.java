package dev.shed.registry.pull;

import dev.shed.core.store.BlobWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * A blob body handed from the HTTP client to the downloading thread as the client's own buffers: the client's
 * thread only queues them (a few in flight), and {@link #drainInto} hashes and writes each one into the
 * {@link BlobWriter} — no InputStream, no copy into another array. Hashing thus runs on one thread per blob, in
 * parallel across blobs, while the client's single network thread keeps reading sockets.
 *
 * <p>Like {@code BodySubscribers.ofInputStream()}, the body (this object) is available as soon as the response
 * headers are, so the caller sees the status and headers before deciding how to consume it.
 */
final class BlobBodySubscriber implements HttpResponse.BodySubscriber<BlobBodySubscriber> {
    /** Buffers requested ahead of the consumer: enough to keep the socket busy while one buffer is hashed. */
    private static final int IN_FLIGHT = 4;
    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    private record Failed(Throwable cause) {}

    @Override
    public CompletionStage<BlobBodySubscriber> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) s.cancel();
        else s.request(IN_FLIGHT);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        queue.add(buffers);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(new Failed(t));
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    /**
     * Writes the body into {@code writer}, dropping its first {@code skip} bytes (a server that ignored Range sends
     * what is already on disk again); returns the bytes received on the wire. A transport failure is thrown as an
     * IOException after what arrived before it has been written (so a retry resumes after it).
     */
    @SuppressWarnings("unchecked")
    long drainInto(BlobWriter writer, long skip, LongConsumer progress) throws IOException {
        long received = 0;
        try {
            while (true) {
                Object item;
                try {
                    item = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while downloading");
                }
                if (item == END) return received;
                if (item instanceof Failed f) {
                    Throwable t = f.cause();
                    throw t instanceof IOException io ? io : new IOException(t.toString(), t);
                }
                for (ByteBuffer b : (List<ByteBuffer>) item) {
                    int n = b.remaining();
                    received += n;
                    if (skip > 0) {
                        int drop = (int) Math.min(skip, n);
                        b.position(b.position() + drop);
                        skip -= drop;
                    }
                    int keep = b.remaining();
                    if (keep > 0) {
                        writer.write(b);
                        progress.accept(keep);
                    }
                }
                subscription.request(1);
            }
        } finally {
            cancel();
        }
    }

    /** Abandons the rest of the body (no-op once it has ended); the connection is then not reused. */
    void cancel() {
        if (cancelled) return;
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) s.cancel();
    }
}
