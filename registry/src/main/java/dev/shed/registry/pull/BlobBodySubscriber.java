package dev.shed.registry.pull;

import dev.shed.core.store.BlobWriter;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * Streams a blob body straight from the HTTP client's buffers into a {@link BlobWriter} (hash + file write per
 * buffer: no InputStream hand-off, no copy into another array, no extra thread). The first {@code skip} bytes are
 * dropped (a server that ignored Range resends what is already on disk). The body completes with the bytes
 * received on the wire.
 *
 * <p>The writer belongs to the caller again once {@link #close()} returns: calls are serialised on this object,
 * so a buffer still being written when the exchange is abandoned (timeout, interrupt) finishes first and later
 * ones are ignored.
 */
final class BlobBodySubscriber implements HttpResponse.BodySubscriber<Long> {
    private final BlobWriter writer;
    private final LongConsumer progress;
    private final CompletableFuture<Long> body = new CompletableFuture<>();
    private long skip;
    private long received;
    private Flow.Subscription subscription;
    private IOException failure;
    private boolean closed;

    BlobBodySubscriber(BlobWriter writer, long skip, LongConsumer progress) {
        this.writer = writer;
        this.skip = skip;
        this.progress = progress;
    }

    /** A subscriber that takes nothing and fails the exchange with {@code why} (e.g. a wrong Content-Range). */
    static BlobBodySubscriber refusing(IOException why) {
        BlobBodySubscriber s = new BlobBodySubscriber(null, 0, n -> {});
        s.failure = why;
        s.closed = true;
        s.body.completeExceptionally(why);
        return s;
    }

    @Override
    public CompletionStage<Long> getBody() {
        return body;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) s.cancel();
        else s.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
        if (closed || body.isDone()) return;
        try {
            for (ByteBuffer b : buffers) {
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
        } catch (IOException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new IOException("writing blob: " + e, e));
        }
    }

    private void fail(IOException e) {
        failure = e;
        subscription.cancel();
        body.completeExceptionally(e);
    }

    @Override
    public synchronized void onError(Throwable t) {
        body.completeExceptionally(t);
    }

    @Override
    public synchronized void onComplete() {
        body.complete(received);
    }

    /** Stops accepting buffers; after this the writer is the caller's alone. */
    synchronized void close() {
        closed = true;
        if (subscription != null && !body.isDone()) subscription.cancel();
    }

    /** The writer's own failure (verification, disk), which must win over the transport error it caused. */
    synchronized IOException failure() {
        return failure;
    }

    synchronized long received() {
        return received;
    }
}
