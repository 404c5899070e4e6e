package dev.shed.erofs.data;

import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.tree.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;

/**
 * The image's file-data region (blocks 1..n, before the metadata), written in place while entries arrive.
 * File data may only go here while files arrive in image order ({@link Node#imageOrder}), which is what a sorted
 * directory walk gives: then the image needs no second copy of its data and no spool of its size. The first file
 * that arrives out of order closes the region to new files; the writer then relocates what is here (see
 * {@link #moveTo}) so the image is the same whatever the order.
 *
 * <p>Large images are flushed to disk behind the writer (one fdatasync at a time, started every
 * {@value #FLUSH_EVERY_MB} MiB), so the final fsync at close has little left to wait for.
 */
public final class FrontRegion implements DataTarget {
    /** First block of the region: block 0 holds the superblock. */
    public static final long FIRST_BLOCK = 1;
    private static final int BLOCK = ErofsFormat.BLOCK_SIZE;
    private static final int FLUSH_EVERY_MB = 16;

    private final FileChannel image;
    private long position = FIRST_BLOCK * BLOCK;
    private long unflushed;
    private CompletableFuture<Void> flush = CompletableFuture.completedFuture(null);
    private Node last;
    private boolean open = true;

    public FrontRegion(FileChannel image) {
        this.image = image;
    }

    /**
     * Whether {@code file}'s data may be written here: only if it comes after every file written so far, in
     * image order. The first refusal is final, so files written here always stay in image order.
     */
    public boolean admits(Node file) {
        if (open && (last == null || Node.imageOrder(last, file) < 0)) {
            last = file;
            return true;
        }
        open = false;
        return false;
    }

    /** False once a file was refused: the region may then be out of order or have gaps. */
    public boolean inOrder() {
        return open;
    }

    @Override
    public long begin() {
        position = (position + BLOCK - 1) / BLOCK * BLOCK;
        return position;
    }

    @Override
    public void append(ByteBuffer data) throws IOException {
        int n = data.remaining();
        while (data.hasRemaining()) position += image.write(data, position);
        unflushed += n;
        if (unflushed >= (long) FLUSH_EVERY_MB << 20 && flush.isDone()) {
            unflushed = 0;
            flush = CompletableFuture.runAsync(this::flushQuietly, FlushThread.EXECUTOR);
        }
    }

    /** Copies everything written here to the end of the spool; returns the spool offset of byte FIRST_BLOCK*BLOCK. */
    public long moveTo(DataSpool spool) throws IOException {
        awaitFlush();
        return spool.appendFrom(image, FIRST_BLOCK * BLOCK, position - FIRST_BLOCK * BLOCK);
    }

    /** Waits for a background flush, so the channel can be closed or truncated. */
    public void awaitFlush() {
        flush.join();
    }

    /** Errors are not lost: the writer's final fsync reports them. */
    private void flushQuietly() {
        try {
            image.force(false);
        } catch (IOException e) {
            // reported by the final force at close
        }
    }

    /** One daemon thread for background flushes, so they never keep the JVM alive. */
    private static final class FlushThread {
        static final java.util.concurrent.ExecutorService EXECUTOR =
                java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "erofs-flush");
                    t.setDaemon(true);
                    return t;
                });
    }
}
