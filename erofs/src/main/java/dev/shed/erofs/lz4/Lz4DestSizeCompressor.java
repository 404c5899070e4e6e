package dev.shed.erofs.lz4;

/**
 * TEMPORARY PLACEHOLDER until the real {@code Lz4DestSizeCompressor} branch is merged (the merge
 * replaces this file wholesale). A simple greedy LZ4 block compressor with "destSize" semantics:
 * it compresses the longest prefix of {@code src} whose LZ4 block fits in {@code dstCapacity}.
 * The {@code level} is accepted for API compatibility but ignored (no HC search).
 *
 * <p>Output follows the LZ4 block rules the kernel's LZ4_decompress_safe enforces relative to the
 * consumed prefix: no match starts in its last 12 bytes (MFLIMIT) and the last 5 bytes are
 * literals (LASTLITERALS). Not thread-safe.
 */
public final class Lz4DestSizeCompressor {
    private static final int MIN_MATCH = 4;
    private static final int MF_LIMIT = 12;
    private static final int LAST_LITERALS = 5;
    private static final int MAX_DISTANCE = 65535;
    private static final int HASH_BITS = 14;
    /** Room kept for the closing literal run: token + one length byte + 12 literals. */
    private static final int FINAL_RESERVE = 1 + 1 + MF_LIMIT;

    /** How much input was compressed and how many bytes it produced. */
    public record Result(int consumed, int produced) {}

    // Holds absolute positions + 1 into whatever array is being compressed; stale entries are
    // harmless because every candidate is range-checked and byte-compared before use.
    private final int[] table = new int[1 << HASH_BITS];

    public Lz4DestSizeCompressor(int level) {
        if (level < 0 || level > 12) throw new IllegalArgumentException("LZ4 level must be 0..12: " + level);
    }

    public Result compress(byte[] src, int srcOff, int srcLen, byte[] dst, int dstOff, int dstCapacity) {
        final int end = srcOff + srcLen;
        final int matchStartLimit = end - MF_LIMIT;
        final int matchEndLimit = end - LAST_LITERALS;
        final int oend = dstOff + dstCapacity;
        int ip = srcOff, anchor = srcOff, op = dstOff;
        while (ip < matchStartLimit) {
            int seq = readInt(src, ip);
            int h = (seq * -1640531535) >>> (32 - HASH_BITS);
            int ref = table[h] - 1;
            table[h] = ip + 1;
            if (ref < srcOff || ref >= ip || ip - ref > MAX_DISTANCE || readInt(src, ref) != seq) {
                ip++;
                continue;
            }
            int len = MIN_MATCH;
            while (ip + len < matchEndLimit && src[ref + len] == src[ip + len]) len++;
            int litLen = ip - anchor;
            int cost = 1 + lengthBytes(litLen) + litLen + 2 + lengthBytes(len - MIN_MATCH);
            if (op + cost + FINAL_RESERVE > oend) break;
            int token = (Math.min(litLen, 15) << 4) | Math.min(len - MIN_MATCH, 15);
            dst[op++] = (byte) token;
            op = writeLength(dst, op, litLen);
            System.arraycopy(src, anchor, dst, op, litLen);
            op += litLen;
            int distance = ip - ref;
            dst[op++] = (byte) distance;
            dst[op++] = (byte) (distance >>> 8);
            op = writeLength(dst, op, len - MIN_MATCH);
            ip += len;
            anchor = ip;
        }
        int lit = Math.min(end - anchor, literalsFitting(oend - op));
        dst[op++] = (byte) (Math.min(lit, 15) << 4);
        op = writeLength(dst, op, lit);
        System.arraycopy(src, anchor, dst, op, lit);
        op += lit;
        return new Result(anchor + lit - srcOff, op - dstOff);
    }

    private static int literalsFitting(int available) {
        int n = available - 1;
        while (n > 0 && 1 + lengthBytes(n) + n > available) n--;
        return Math.max(n, 0);
    }

    private static int lengthBytes(int n) {
        return n >= 15 ? (n - 15) / 255 + 1 : 0;
    }

    private static int writeLength(byte[] dst, int op, int n) {
        if (n < 15) return op;
        int rem = n - 15;
        while (rem >= 255) {
            dst[op++] = (byte) 255;
            rem -= 255;
        }
        dst[op++] = (byte) rem;
        return op;
    }

    private static int readInt(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }
}
