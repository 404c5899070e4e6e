package dev.shed.erofs.compress;

import dev.shed.erofs.data.DataSpool;
import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.format.LclusterIndex;
import dev.shed.erofs.tree.Node;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Compresses file segments on a worker pool and appends the results to the spool strictly in
 * submission order, so a file's pclusters stay contiguous. Segments are independent (extents never
 * cross a segment boundary), which is what allows parallelism within one file. The number of
 * segments in flight is bounded, which bounds memory.
 */
public final class CompressionPipeline implements AutoCloseable {
    /** Segment length; a multiple of the block size so every segment starts an lcluster. */
    public static final int SEGMENT_SIZE = 1 << 20;

    /** A queued write: a compression result, or (raw != null) bytes to spool as they are. */
    private record Pending(Future<CompressedSegment> result, byte[] raw, Node node, byte[] buffer,
                           boolean first, boolean last) {}

    private final ExecutorService pool;
    private final ThreadLocal<SegmentCompressor> compressors;
    private final DataSpool spool;
    /** Compression jobs allowed in flight: enough to keep every worker busy while results drain. */
    private final int maxJobs;
    /** Small raw files queued behind jobs; bounded by bytes, not count, so they never starve the workers. */
    private static final long MAX_RAW_BYTES = 8L << 20;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private int jobs;
    private long rawBytes;
    private final ArrayDeque<byte[]> freeBuffers = new ArrayDeque<>();
    private ExtentBuilder current;

    public CompressionPipeline(DataSpool spool, int threads, int level) {
        this.spool = spool;
        this.maxJobs = Math.max(2, threads * 3);
        this.compressors = ThreadLocal.withInitial(() -> new SegmentCompressor(level));
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "erofs-compress");
            t.setDaemon(true);
            return t;
        });
    }

    /** A buffer to fill with up to {@link #SEGMENT_SIZE} bytes and pass to {@link #submit}. */
    public byte[] buffer() {
        byte[] b = freeBuffers.poll();
        return b != null ? b : new byte[SEGMENT_SIZE];
    }

    public void submit(Node node, byte[] buffer, int length, boolean first, boolean last) throws IOException {
        while (jobs >= maxJobs) drainOne();
        Future<CompressedSegment> f = pool.submit(() -> compressors.get().compress(buffer, length));
        inFlight.add(new Pending(f, null, node, buffer, first, last));
        jobs++;
    }

    /**
     * Queues a small file's bytes to be spooled uncompressed. It goes through the same ordered
     * queue so it can never land between another file's segments in the spool.
     */
    public void submitRaw(Node node, byte[] data) throws IOException {
        while (rawBytes + data.length > MAX_RAW_BYTES && !inFlight.isEmpty()) drainOne();
        inFlight.add(new Pending(null, data, node, null, true, true));
        rawBytes += data.length;
    }

    /** Waits for every submitted segment and records its data in the spool and its node. */
    public void finish() throws IOException {
        while (!inFlight.isEmpty()) drainOne();
    }

    private void drainOne() throws IOException {
        Pending p = inFlight.poll();
        if (p.raw() != null) {
            p.node().spoolOffset = spool.append(ByteBuffer.wrap(p.raw()));
            rawBytes -= p.raw().length;
            return;
        }
        jobs--;
        CompressedSegment seg;
        try {
            seg = p.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing " + p.node().path());
        } catch (ExecutionException e) {
            throw new IOException("compressing " + p.node().path() + " failed", e.getCause());
        }
        freeBuffers.push(p.buffer());
        long offset = spool.append(ByteBuffer.wrap(seg.blocks(), 0, seg.blockCount() * ErofsFormat.BLOCK_SIZE));
        if (p.first()) {
            p.node().spoolOffset = offset;
            current = new ExtentBuilder();
        }
        current.add(seg.extents());
        if (p.last()) {
            current.finishInto(p.node());
            current = null;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Accumulates one file's extents across its segments. */
    private static final class ExtentBuilder {
        private int[] extents = new int[16];
        private int count;

        void add(int[] more) {
            if (count + more.length > extents.length) {
                extents = Arrays.copyOf(extents, Math.max(extents.length * 2, count + more.length));
            }
            System.arraycopy(more, 0, extents, count, more.length);
            count += more.length;
        }

        void finishInto(Node node) {
            node.spoolBlocks = true;
            node.spoolBlockCount = count;
            boolean allStored = true;
            for (int i = 0; i < count; i++) allStored &= (extents[i] & LclusterIndex.STORED_FLAG) != 0;
            // Nothing compressed: the stored blocks are exactly the file's blocks, so keep it flat.
            node.extents = allStored ? null : Arrays.copyOf(extents, count);
        }
    }
}
