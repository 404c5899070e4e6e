package dev.shed.erofs.lz4;

import static dev.shed.erofs.lz4.Lz4Format.LAST_LITERALS;
import static dev.shed.erofs.lz4.Lz4Format.MF_LIMIT;
import static dev.shed.erofs.lz4.Lz4Format.MIN_MATCH;
import static dev.shed.erofs.lz4.Lz4Format.RUN_MASK;

/**
 * Safe, bounds-checked decoder for raw LZ4 blocks. Besides structural errors it rejects blocks that break the
 * format's end-of-block rules (last match starting &lt; 12 or ending &lt; 5 bytes before the end of the
 * decoded data), because the reference/kernel decoders may refuse such blocks.
 */
public final class Lz4BlockDecompressor {
    private Lz4BlockDecompressor() {}

    /**
     * Decodes the block src[srcOff, srcOff+srcLen) into dst[dstOff, dstOff+dstCapacity).
     *
     * @return number of bytes written
     * @throws IllegalArgumentException if the block is malformed or does not fit in dstCapacity
     */
    public static int decompress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCapacity) {
        java.util.Objects.checkFromIndexSize(srcOff, srcLen, src.length);
        java.util.Objects.checkFromIndexSize(dstOff, dstCapacity, dst.length);
        if (srcLen == 0) {
            throw new IllegalArgumentException("empty LZ4 block");
        }
        int ip = srcOff;
        final int ipEnd = srcOff + srcLen;
        int op = dstOff;
        final int opEnd = dstOff + dstCapacity;
        int lastMatchStart = -1;
        int lastMatchEnd = -1;
        while (true) {
            int token = src[ip++] & 0xFF;
            int litLen = token >>> 4;
            if (litLen == RUN_MASK) {
                int[] cursor = {ip};
                litLen += readLengthBytes(src, cursor, ipEnd);
                ip = cursor[0];
            }
            if (litLen > ipEnd - ip) {
                throw new IllegalArgumentException("literals run past end of input at " + (ip - srcOff));
            }
            if (litLen > opEnd - op) {
                throw new IllegalArgumentException("literals overflow output at " + (op - dstOff));
            }
            System.arraycopy(src, ip, dst, op, litLen);
            ip += litLen;
            op += litLen;
            if (ip == ipEnd) {
                break; // the last sequence has literals only
            }
            if (ipEnd - ip < 2) {
                throw new IllegalArgumentException("truncated offset at " + (ip - srcOff));
            }
            int offset = (src[ip] & 0xFF) | (src[ip + 1] & 0xFF) << 8;
            ip += 2;
            if (offset == 0 || offset > op - dstOff) {
                throw new IllegalArgumentException("invalid match offset " + offset + " at output " + (op - dstOff));
            }
            int matchLen = (token & RUN_MASK) + MIN_MATCH;
            if ((token & RUN_MASK) == RUN_MASK) {
                int[] cursor = {ip};
                matchLen += readLengthBytes(src, cursor, ipEnd);
                ip = cursor[0];
            }
            if (matchLen > opEnd - op) {
                throw new IllegalArgumentException("match overflows output at " + (op - dstOff));
            }
            lastMatchStart = op;
            copyMatch(dst, op, offset, matchLen);
            op += matchLen;
            lastMatchEnd = op;
            if (ip == ipEnd) {
                throw new IllegalArgumentException("block does not end with a literal-only sequence");
            }
        }
        if (lastMatchStart >= 0 && (lastMatchStart > op - MF_LIMIT || lastMatchEnd > op - LAST_LITERALS)) {
            throw new IllegalArgumentException("last match violates end-of-block rules");
        }
        return op - dstOff;
    }

    private static int readLengthBytes(byte[] src, int[] cursor, int ipEnd) {
        int ip = cursor[0];
        int sum = 0;
        int b;
        do {
            if (ip >= ipEnd) {
                throw new IllegalArgumentException("truncated length");
            }
            b = src[ip++] & 0xFF;
            sum += b;
            if (sum < 0) {
                throw new IllegalArgumentException("length overflow");
            }
        } while (b == 255);
        cursor[0] = ip;
        return sum;
    }

    /** Overlapping copy: with offset &lt; length the match repeats the last {@code offset} bytes. */
    private static void copyMatch(byte[] dst, int op, int offset, int len) {
        int from = op - offset;
        if (offset >= len) {
            System.arraycopy(dst, from, dst, op, len);
            return;
        }
        // Double the copied span each round; arraycopy handles overlap as if via a temp buffer.
        int done = 0;
        int span = offset;
        while (done < len) {
            int n = Math.min(span, len - done);
            System.arraycopy(dst, from, dst, op + done, n);
            done += n;
            span = op + done - from; // everything from `from` up to the write point is now periodic
        }
    }
}
