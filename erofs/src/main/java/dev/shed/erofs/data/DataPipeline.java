package dev.shed.erofs.data;

import dev.shed.erofs.compress.CompressedSegment;
import dev.shed.erofs.compress.SegmentCompressor;
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
 * Appends file data to its {@link DataTarget} strictly in the order it was handed in, so each file's data stays
 * contiguous. Segments to compress go to a worker pool (started on first use) and are appended when their turn
 * comes; bytes to store as they are wait behind them, or are appended at once when nothing is pending. Segments
 * are independent (extents never cross a segment boundary), which is what allows parallelism within one file.
 * What is in flight is bounded (jobs by count, queued bytes by size), which bounds memory.
 */
public final class DataPipeline implements AutoCloseable {
    /** Segment length; a multiple of the block size so every segment starts an lcluster. */
    public static final int SEGMENT_SIZE = 1 << 20;
    /** Bytes queued behind jobs; bounded by bytes, not count, so they never starve the workers. */
    private static final long MAX_QUEUED_BYTES = 16L << 20;

    /** What a queued write is for. */
    private enum Part { FIRST, MORE, TAIL }

    /** A queued write: a compression result (result != null), or bytes to append as they are. */
    private record Pending(Node node, DataTarget target, Future<CompressedSegment> result, byte[] buffer,
                           byte[] bytes, Part part, boolean last) {}

    private final int threads;
    private final int level;
    private final int pclusterBlocks;
    private ExecutorService pool;
    private ThreadLocal<SegmentCompressor> compressors;
    /**
     * Compression jobs allowed in flight (1 MiB in, up to 1 MiB out each). Deep enough that the workers still have
     * work queued while the caller spends a while on many small files, which a sorted walk meets in long runs
     * (docs, locales): 16 per worker measured ~10% faster than 3 per worker on a Debian rootfs, for ~25 MiB more
     * memory; 32 per worker was slower again.
     */
    private final int maxJobs;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private final ArrayDeque<byte[]> freeBuffers = new ArrayDeque<>();
    private int jobs;
    private long queuedBytes;
    private ExtentBuilder current;

    public DataPipeline(int threads, int level, int pclusterBlocks) {
        this.threads = threads;
        this.level = level;
        this.pclusterBlocks = pclusterBlocks;
        this.maxJobs = Math.max(2, threads * 16);
    }

    /** A buffer to fill with up to {@link #SEGMENT_SIZE} bytes and pass to {@link #compress}. */
    public byte[] buffer() {
        byte[] b = freeBuffers.poll();
        return b != null ? b : new byte[SEGMENT_SIZE];
    }

    /** Queues one segment of {@code node}'s data for compression; {@code first}/{@code last} mark its ends. */
    public void compress(Node node, DataTarget target, byte[] buffer, int length, boolean first, boolean last)
            throws IOException {
        while (jobs >= maxJobs) drainOne();
        startPool();
        Future<CompressedSegment> f = pool.submit(() -> compressors.get().compress(buffer, length));
        inFlight.add(new Pending(node, target, f, buffer, null, first ? Part.FIRST : Part.MORE, last));
        jobs++;
    }

    /** Appends the next {@code length} bytes of {@code node}'s data (the first ones if {@code first}) as they are. */
    public void store(Node node, DataTarget target, byte[] bytes, int length, boolean first) throws IOException {
        write(node, target, bytes, length, first ? Part.FIRST : Part.MORE);
    }

    /** Appends {@code node}'s inline tail to {@code tails}. */
    public void storeTail(Node node, DataTarget tails, byte[] bytes, int length) throws IOException {
        write(node, tails, bytes, length, Part.TAIL);
    }

    private void write(Node node, DataTarget target, byte[] bytes, int length, Part part) throws IOException {
        if (inFlight.isEmpty()) {
            append(node, target, ByteBuffer.wrap(bytes, 0, length), part);
            return;
        }
        while (queuedBytes + length > MAX_QUEUED_BYTES && !inFlight.isEmpty()) drainOne();
        byte[] copy = Arrays.copyOf(bytes, length);
        inFlight.add(new Pending(node, target, null, null, copy, part, false));
        queuedBytes += length;
    }

    /** Waits for everything queued and appends it. */
    public void finish() throws IOException {
        while (!inFlight.isEmpty()) drainOne();
    }

    private void drainOne() throws IOException {
        Pending p = inFlight.poll();
        if (p.result() == null) {
            queuedBytes -= p.bytes().length;
            append(p.node(), p.target(), ByteBuffer.wrap(p.bytes()), p.part());
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
        if (p.part() == Part.FIRST) current = new ExtentBuilder();
        append(p.node(), p.target(), ByteBuffer.wrap(seg.blocks(), 0, seg.blockCount() * ErofsFormat.BLOCK_SIZE),
                p.part());
        current.add(seg.extents(), seg.blockCount());
        if (p.last()) {
            current.finishInto(p.node());
            current = null;
        }
    }

    private static void append(Node node, DataTarget target, ByteBuffer data, Part part) throws IOException {
        switch (part) {
            case FIRST -> {
                node.dataOffset = target.begin();
                node.dataInImage = target instanceof FrontRegion;
            }
            case TAIL -> node.tailOffset = target.begin();
            case MORE -> { }
        }
        target.append(data);
    }

    private void startPool() {
        if (pool != null) return;
        compressors = ThreadLocal.withInitial(() -> new SegmentCompressor(level, pclusterBlocks));
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "erofs-compress");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }

    /** Accumulates one file's extents across its segments. */
    private static final class ExtentBuilder {
        private int[] extents = new int[16];
        private int count;
        private long blocks;

        void add(int[] more, int moreBlocks) {
            blocks += moreBlocks;
            if (count + more.length > extents.length) {
                extents = Arrays.copyOf(extents, Math.max(extents.length * 2, count + more.length));
            }
            System.arraycopy(more, 0, extents, count, more.length);
            count += more.length;
        }

        void finishInto(Node node) {
            node.frontBlocks = blocks;
            boolean allStored = true;
            for (int i = 0; i < count; i++) allStored &= LclusterIndex.stored(extents[i]);
            // Nothing compressed: the stored blocks are exactly the file's blocks, so keep it flat.
            node.extents = allStored ? null : Arrays.copyOf(extents, count);
        }
    }
}
