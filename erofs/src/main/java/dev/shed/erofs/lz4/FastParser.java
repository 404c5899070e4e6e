package dev.shed.erofs.lz4;

import static dev.shed.erofs.lz4.Lz4Format.LAST_LITERALS;
import static dev.shed.erofs.lz4.Lz4Format.MAX_OFFSET;
import static dev.shed.erofs.lz4.Lz4Format.MF_LIMIT;
import static dev.shed.erofs.lz4.Lz4Format.MIN_MATCH;

/** Level 0: single-probe hash table, greedy parsing, with skip acceleration on incompressible data. */
final class FastParser {
    private static final int HASH_LOG = 14;
    /** After 2^SKIP_TRIGGER misses in a row the search step grows by one, so random data is skimmed quickly. */
    private static final int SKIP_TRIGGER = 6;

    private final PositionTable table = new PositionTable(HASH_LOG);

    /** Hashing 5 bytes (not 4) gives far fewer useless candidates on text, where 4-byte prefixes repeat a lot. */
    private static int hash(long v) {
        return (int) (((v << 24) * 889523592379L) >>> (64 - HASH_LOG));
    }

    void parse(byte[] src, int start, int end, SequenceWriter out) {
        table.begin(start, end - start);
        if (end - start < MF_LIMIT + 1) {
            return; // too short for any legal match: all literals
        }
        final int[] t = table.slots;
        final int bias = table.bias;
        final int validFrom = table.validFrom;
        final int mfLimit = end - MF_LIMIT; // last position where a match may start
        final int matchLimit = end - LAST_LITERALS; // matches must end before the final 5 literals

        t[hash(Bytes.readLong(src, start))] = start + bias;
        int ip = start + 1;
        int searchLimit = Math.min(mfLimit, out.literalHorizon());
        while (true) {
            // Find a 4-byte match.
            int ref;
            int attempts = 1 << SKIP_TRIGGER;
            while (true) {
                if (ip > searchLimit) {
                    return;
                }
                long word = Bytes.readLong(src, ip);
                int seq = (int) word;
                int h = hash(word);
                int stored = t[h];
                t[h] = ip + bias;
                if (stored >= validFrom) {
                    ref = stored - bias;
                    if (ip - ref <= MAX_OFFSET && Bytes.readInt(src, ref) == seq) {
                        break;
                    }
                }
                ip += attempts++ >>> SKIP_TRIGGER;
            }
            // Extend backwards over pending literals, then forwards.
            int anchor = out.anchor();
            while (ip > anchor && ref > start && src[ip - 1] == src[ref - 1]) {
                ip--;
                ref--;
            }
            int len = MIN_MATCH + Bytes.commonLength(src, ref + MIN_MATCH, ip + MIN_MATCH, matchLimit);
            int emitted = out.emit(ip, len, ip - ref);
            if (emitted == 0) {
                return;
            }
            ip += emitted;
            searchLimit = Math.min(mfLimit, out.literalHorizon());
            if (ip > searchLimit) {
                return;
            }
            // Cheap extra insertion so the next search benefits from the match's tail.
            t[hash(Bytes.readLong(src, ip - 2))] = ip - 2 + bias;
        }
    }
}
