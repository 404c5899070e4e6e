package dev.shed.erofs.lz4;

import java.util.Objects;

/**
 * Pure-Java LZ4 block compressor with "destSize" semantics: it packs the longest prefix of the input whose
 * compressed form fits the given output capacity (as EROFS pclusters need), producing a standard raw LZ4 block
 * that any conforming decoder (including the kernel's) accepts.
 *
 * <p>Instances reuse their match-finding tables and are not thread-safe; use one per thread.
 */
public final class Lz4DestSizeCompressor {
    public static final int FAST_LEVEL = 0;
    public static final int MAX_LEVEL = 12;

    /** Bytes consumed from the source and bytes written to the destination. */
    public record Result(int consumed, int produced) {}

    private final int level;
    private final FastParser fast;
    private final HcParser hc;
    private final SequenceWriter writer = new SequenceWriter();

    /**
     * @param level 0 = fast (greedy hash, like LZ4_compress_destSize); 1..12 = HC levels (better ratio, slower:
     *     hash chains with search depth growing with level)
     */
    public Lz4DestSizeCompressor(int level) {
        if (level < FAST_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException("level must be in 0.." + MAX_LEVEL + ": " + level);
        }
        this.level = level;
        this.fast = level == FAST_LEVEL ? new FastParser() : null;
        this.hc = level == FAST_LEVEL ? null : new HcParser(level);
    }

    public int level() {
        return level;
    }

    /**
     * Compresses the longest prefix of src[srcOff, srcOff+srcLen) that fits in dstCapacity bytes into
     * dst[dstOff...]. {@code consumed} may be &lt; srcLen when the output is full. Never writes past
     * dstOff+dstCapacity.
     *
     * <p>With dstCapacity &ge; 1 the output is always a valid block, even when nothing fits (a single empty
     * literal token: consumed 0, produced 1). With dstCapacity 0 the result is (0, 0).
     */
    public Result compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCapacity) {
        Objects.checkFromIndexSize(srcOff, srcLen, src.length);
        Objects.checkFromIndexSize(dstOff, dstCapacity, dst.length);
        writer.reset(src, srcOff, srcLen, dst, dstOff, dstCapacity);
        if (fast != null) {
            fast.parse(src, srcOff, srcOff + srcLen, writer);
        } else {
            hc.parse(src, srcOff, srcOff + srcLen, writer);
        }
        return writer.finish();
    }

    /** Worst-case block size for {@code srcLen} input bytes (all literals), handy for sizing buffers. */
    public static int maxCompressedLength(int srcLen) {
        return srcLen + srcLen / 255 + 16;
    }
}
