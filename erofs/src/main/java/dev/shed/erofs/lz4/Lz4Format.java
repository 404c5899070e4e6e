package dev.shed.erofs.lz4;

/** Constants and tiny helpers of the LZ4 block format (see lz4_Block_format.md). */
final class Lz4Format {
    private Lz4Format() {}

    static final int MIN_MATCH = 4;
    /** The last 5 bytes of a block are always literals: a match must end at least this far before the end. */
    static final int LAST_LITERALS = 5;
    /** The last match must start at least 12 bytes before the end of the block (reference decoders rely on it). */
    static final int MF_LIMIT = 12;
    /** Offsets are 16-bit, and 0 is invalid. */
    static final int MAX_OFFSET = 65535;
    /** A 4-bit token field of 15 means "more length bytes follow". */
    static final int RUN_MASK = 15;

    /** Number of extra length bytes needed after a token field for {@code value} (literal length or match length - 4). */
    static int extraLengthBytes(int value) {
        return value < RUN_MASK ? 0 : (value - RUN_MASK) / 255 + 1;
    }

    /**
     * Largest literal run whose encoding (token + extra length bytes + literals) fits in {@code room} bytes; -1 if
     * not even a token fits. Closed form, as the compressor asks after every sequence: a run of 15 + m literals
     * costs 16 + m + m/255 bytes, and m + m/255 = 256k + r for m = 255k + r.
     */
    static int maxLiteralsFitting(int room) {
        if (room <= 0) {
            return -1;
        }
        int budget = room - 1; // after the token
        if (budget <= RUN_MASK) {
            return Math.min(budget, RUN_MASK - 1);
        }
        int b = budget - RUN_MASK - 1; // for m beyond the first 15, with at least one extra length byte
        return RUN_MASK + 255 * (b >>> 8) + Math.min(b & 0xFF, 254);
    }
}
