package dev.shed.erofs.lz4;

import static dev.shed.erofs.lz4.Lz4Format.LAST_LITERALS;
import static dev.shed.erofs.lz4.Lz4Format.MF_LIMIT;
import static dev.shed.erofs.lz4.Lz4Format.MIN_MATCH;
import static dev.shed.erofs.lz4.Lz4Format.RUN_MASK;
import static dev.shed.erofs.lz4.Lz4Format.extraLengthBytes;

/**
 * Encodes LZ4 sequences into a bounded output buffer with "destSize" semantics.
 *
 * <p>The block ends wherever the output fills up, so the end-of-block rules are enforced against the
 * <em>consumed</em> input, not the whole source: every match is accepted only if, after it, there is still
 * room for a final literal run long enough that the match ends &ge; 5 bytes and starts &ge; 12 bytes before
 * the end of the block. A match whose length bytes do not fit is shortened instead of dropped (this is what
 * lets ~1 MiB of zeros fit into 4 KiB).
 */
final class SequenceWriter {
    private byte[] src;
    private byte[] dst;
    private int srcStart;
    private int srcEnd;
    private int dstStart;
    private int dstEnd;
    private int op;
    private int anchor;
    private int lastMatchLen;

    void reset(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCapacity) {
        this.src = src;
        this.dst = dst;
        this.srcStart = srcOff;
        this.srcEnd = srcOff + srcLen;
        this.dstStart = dstOff;
        this.dstEnd = dstOff + dstCapacity;
        this.op = dstOff;
        this.anchor = srcOff;
        this.lastMatchLen = 0;
    }

    /** First source byte not yet covered by an emitted sequence. */
    int anchor() {
        return anchor;
    }

    /**
     * Source position past which pending literals alone would overflow the output. Parsers stop searching there:
     * nothing found beyond it could be emitted, and without this bound a call handed a huge, incompressible
     * source would scan all of it only to keep a capacity-sized prefix.
     */
    int literalHorizon() {
        return anchor + Math.max(0, Lz4Format.maxLiteralsFitting(dstEnd - op));
    }

    /** Output bytes needed after a match of this length for a legal final literal run. */
    private static int tailReserve(int matchLen) {
        return 1 + Math.max(LAST_LITERALS, MF_LIMIT - matchLen);
    }

    /**
     * Emits literals [anchor, matchStart) followed by a match of {@code matchLen} bytes at distance {@code offset}.
     * The caller guarantees matchStart &le; srcEnd - 12 and matchStart + matchLen &le; srcEnd - 5.
     *
     * @return the match length actually encoded (possibly shortened to fit), or 0 if the sequence does not fit
     *     and the caller must {@link #finish()}.
     */
    int emit(int matchStart, int matchLen, int offset) {
        int litLen = matchStart - anchor;
        int room = dstEnd - op - (1 + extraLengthBytes(litLen) + litLen + 2);
        if (room - extraLengthBytes(matchLen - MIN_MATCH) < tailReserve(matchLen)) {
            // Only the match-length bytes can be traded away; keep the match >= 7 so the reserve stays 1 + 5.
            int avail = room - (1 + LAST_LITERALS);
            if (matchLen <= MIN_MATCH + RUN_MASK - 1 || avail < 0) {
                return 0;
            }
            matchLen = MIN_MATCH + RUN_MASK - 1 + 255 * avail; // needs exactly `avail` extra length bytes
        }
        int ml = matchLen - MIN_MATCH;
        byte[] d = dst;
        int token = op++;
        int tok = Math.min(ml, RUN_MASK);
        if (litLen >= RUN_MASK) {
            tok |= RUN_MASK << 4;
            op = writeLength(d, op, litLen - RUN_MASK);
        } else {
            tok |= litLen << 4;
        }
        d[token] = (byte) tok;
        System.arraycopy(src, anchor, d, op, litLen);
        op += litLen;
        d[op++] = (byte) offset;
        d[op++] = (byte) (offset >>> 8);
        if (ml >= RUN_MASK) {
            op = writeLength(d, op, ml - RUN_MASK);
        }
        anchor = matchStart + matchLen;
        lastMatchLen = matchLen;
        return matchLen;
    }

    /** Writes the final literal run (as much of [anchor, srcEnd) as fits) and returns the block's result. */
    Lz4DestSizeCompressor.Result finish() {
        int lit = Math.min(Lz4Format.maxLiteralsFitting(dstEnd - op), srcEnd - anchor);
        if (lit < 0) {
            return new Lz4DestSizeCompressor.Result(0, 0); // zero capacity: not even an empty block fits
        }
        assert lastMatchLen == 0 || lit >= tailReserve(lastMatchLen) - 1 : "tail reserve violated";
        byte[] d = dst;
        if (lit >= RUN_MASK) {
            d[op++] = (byte) (RUN_MASK << 4);
            op = writeLength(d, op, lit - RUN_MASK);
        } else {
            d[op++] = (byte) (lit << 4);
        }
        System.arraycopy(src, anchor, d, op, lit);
        op += lit;
        return new Lz4DestSizeCompressor.Result(anchor + lit - srcStart, op - dstStart);
    }

    /**
     * Extra length bytes: as many 255s as fit, then the remainder. Nearly always just the remainder; long runs
     * use a fill rather than a loop (a byte loop here made the JIT deoptimize the inlined parser).
     */
    private static int writeLength(byte[] d, int op, int rest) {
        if (rest >= 255) {
            int full = rest / 255;
            java.util.Arrays.fill(d, op, op + full, (byte) 255);
            op += full;
            rest -= full * 255;
        }
        d[op++] = (byte) rest;
        return op;
    }
}
