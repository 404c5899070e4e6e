package dev.shed.erofs.lz4;

import static dev.shed.erofs.lz4.Lz4Format.LAST_LITERALS;
import static dev.shed.erofs.lz4.Lz4Format.MAX_OFFSET;
import static dev.shed.erofs.lz4.Lz4Format.MF_LIMIT;
import static dev.shed.erofs.lz4.Lz4Format.MIN_MATCH;

/**
 * Levels 1..12: every position is inserted into hash chains over the 64 KiB window; each search walks up to
 * {@code depth} candidates, and a found match is only taken after checking (with a shallower search below
 * level 10) whether starting one byte later
 * gives a longer one (lazy matching). Not an optimal parser: levels 10..12 only search deeper.
 */
final class HcParser {
    private static final int HASH_LOG = 15;
    private static final int WINDOW_MASK = 0xFFFF;

    private final PositionTable heads = new PositionTable(HASH_LOG);
    /** chain[p & 0xFFFF] = distance from p to the previous position with the same hash; 0 = none. */
    private final char[] chain = new char[WINDOW_MASK + 1];
    private final int depth;
    private final int lazyDepth;
    private final int niceLength;

    private byte[] src;
    private int start;
    private int nextToInsert;
    private int matchPos;

    /** Candidates examined per search, by level: LZ4HC-like up to 9, then much deeper. */
    private static final int[] DEPTH = {0, 4, 8, 12, 16, 24, 32, 64, 128, 256, 1024, 4096, 16384};

    HcParser(int level) {
        this.depth = DEPTH[level];
        // The lazy check at ip+1 only has to beat a match already found; a very shallow search finds almost
        // all such improvements (level 9 on rootfs binaries: 4 candidates instead of 16 walk ~23% fewer
        // candidates for +0.4% blocks). Levels 10..12 keep the full depth for the last bit of ratio.
        this.lazyDepth = level >= 10 ? depth : Math.max(2, depth / 64);
        // Long matches are cheap to encode either way; stop searching once one is "long enough".
        this.niceLength = level >= 10 ? 1 << 12 : level == 9 ? 256 : 128;
    }

    private static int hash(int v) {
        return (v * -1640531535) >>> (32 - HASH_LOG);
    }

    void parse(byte[] src, int start, int end, SequenceWriter out) {
        heads.begin(start, end - start);
        if (end - start < MF_LIMIT + 1) {
            return;
        }
        this.src = src;
        this.start = start;
        this.nextToInsert = start;
        final int mfLimit = end - MF_LIMIT;
        final int matchLimit = end - LAST_LITERALS;

        int ip = start + 1;
        int searchLimit = Math.min(mfLimit, out.literalHorizon());
        while (ip <= searchLimit) {
            int len = longestMatch(ip, matchLimit, MIN_MATCH - 1, depth);
            if (len < MIN_MATCH) {
                ip++;
                continue;
            }
            int pos = matchPos;
            // Lazy evaluation: while the next position has a strictly longer match, emit a literal instead.
            // (Also trying two positions ahead measured slightly worse on text, and slower.)
            while (ip + 1 <= searchLimit) {
                int next = longestMatch(ip + 1, matchLimit, len, lazyDepth);
                if (next <= len) {
                    break;
                }
                ip++;
                len = next;
                pos = matchPos;
            }
            // Backward extension over pending literals (cheap gain after lazy steps).
            int anchor = out.anchor();
            while (ip > anchor && pos > start && src[ip - 1] == src[pos - 1]) {
                ip--;
                pos--;
                len++;
            }
            int emitted = out.emit(ip, len, ip - pos);
            if (emitted == 0) {
                return;
            }
            ip += emitted;
            searchLimit = Math.min(mfLimit, out.literalHorizon());
        }
    }

    private void insertUpTo(int target) {
        final int[] t = heads.slots;
        final int bias = heads.bias;
        final int validFrom = heads.validFrom;
        final byte[] s = src;
        for (int p = nextToInsert; p < target; p++) {
            int h = hash(Bytes.readInt(s, p));
            int stored = t[h];
            int delta = stored >= validFrom ? p - (stored - bias) : 0;
            chain[p & WINDOW_MASK] = (char) (delta > MAX_OFFSET ? 0 : delta);
            t[h] = p + bias;
        }
        if (target > nextToInsert) {
            nextToInsert = target;
        }
    }

    /**
     * Longest match for ip among up to {@code depth} earlier candidates, ending no later than {@code limit}.
     * Only matches longer than {@code minLen} are reported; the result is that length (else {@code minLen})
     * and {@link #matchPos}.
     */
    private int longestMatch(int ip, int limit, int minLen, int depth) {
        insertUpTo(ip);
        final byte[] s = src;
        int best = minLen;
        int maxLen = limit - ip;
        if (best >= maxLen) {
            return best;
        }
        int stored = heads.slots[hash(Bytes.readInt(s, ip))];
        if (stored < heads.validFrom) {
            return best;
        }
        int cand = stored - heads.bias;
        int lowest = Math.max(start, ip - MAX_OFFSET);
        int tail = Bytes.readInt(s, ip + best - 3);
        for (int n = depth; n > 0 && cand >= lowest; n--) {
            // Quick reject: a longer match must agree on the 4 bytes ending at index `best`.
            if (Bytes.readInt(s, cand + best - 3) == tail) {
                int len = Bytes.commonLength(s, cand, ip, limit);
                if (len > best) {
                    best = len;
                    matchPos = cand;
                    if (len >= niceLength || len >= maxLen) {
                        break;
                    }
                    tail = Bytes.readInt(s, ip + best - 3);
                }
            }
            int delta = chain[cand & WINDOW_MASK];
            if (delta == 0) {
                break;
            }
            cand -= delta;
        }
        return best;
    }
}
