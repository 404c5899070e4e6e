package dev.shed.erofs.lz4;

import static dev.shed.erofs.lz4.Lz4Format.LAST_LITERALS;
import static dev.shed.erofs.lz4.Lz4Format.MAX_OFFSET;
import static dev.shed.erofs.lz4.Lz4Format.MF_LIMIT;
import static dev.shed.erofs.lz4.Lz4Format.MIN_MATCH;
import static dev.shed.erofs.lz4.Lz4Format.RUN_MASK;

/**
 * Levels 1..12: hash chains over the 64 KiB window (every position inserted) with the LZ4HC parsing scheme.
 *
 * <p>After a match is found at {@code ip}, the parser does not retry at ip+1 (lazy matching) but searches once
 * near the match's end, for a match that may reach back into the first one ("wider" match). When one is found,
 * the first match is trimmed so the two don't overlap, and a third search decides whether the second is worth
 * keeping. This costs one search per match instead of one per lazy step, and on rootfs binaries it packs
 * better than lazy matching at the same depth. Levels 10..12 are the same parser with much deeper chains, not
 * an optimal parser.
 */
final class HcParser {
    private static final int HASH_LOG = 15;
    private static final int WINDOW_MASK = 0xFFFF;
    /** Longest match whose length still fits in the token (no extra length byte). */
    private static final int OPTIMAL_ML = RUN_MASK - 1 + MIN_MATCH;

    /** Candidates examined per search, by level: LZ4HC's for 1..9, then much deeper. */
    private static final int[] DEPTH = {0, 2, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096, 16384};

    private final PositionTable heads = new PositionTable(HASH_LOG);
    /** chain[p & 0xFFFF] = distance from p to the previous position with the same hash; 0 = none. */
    private final char[] chain = new char[WINDOW_MASK + 1];
    private final int depth;
    /** A match this long ends a search: longer ones gain little, and runs of zeros would cost depth x length. */
    private final int niceLength;

    private byte[] src;
    private int start;
    private int nextToInsert;
    private int matchLimit;
    /** Results of the last successful {@link #widerMatch}: where the match starts and where its source is. */
    private int foundStart;
    private int foundRef;
    /** Results of {@link #scanLiterals}. */
    private int scanCand;
    private int scanAttempts;
    /** Scratch results of {@link #matchLength}. */
    private int candStart;
    private int candRef;

    HcParser(int level) {
        this.depth = DEPTH[level];
        this.niceLength = level >= 10 ? 1 << 12 : 1 << 10;
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
        this.matchLimit = end - LAST_LITERALS;
        final int mfLimit = end - MF_LIMIT;

        int ip = start + 1;
        nextSequence:
        while (true) {
            int limit = Math.min(mfLimit, out.literalHorizon());
            ip = scanLiterals(ip, limit);
            if (ip > limit) {
                return;
            }
            int ml = widerMatch(ip, ip, MIN_MATCH - 1, -1, scanCand, scanAttempts);
            int ref = foundRef;
            // The first match as first found, restored if a second one overlaps it from further back.
            int start0 = ip;
            int ref0 = ref;
            int ml0 = ml;
            while (true) { // ip/ref/ml is the current first match; look for a second one near its end
                int ml2 = ml;
                int start2 = ip;
                int ref2 = ref;
                if (ip + ml <= mfLimit) {
                    ml2 = widerMatch(ip + ml - 2, ip, ml, ref);
                    start2 = foundStart;
                    ref2 = foundRef;
                }
                if (ml2 == ml) { // nothing better: emit the first match as is
                    if (!emit(out, ip, ml, ref)) {
                        return;
                    }
                    ip += ml;
                    continue nextSequence;
                }
                if (start0 < ip && start2 < ip + ml0) {
                    ip = start0;
                    ref = ref0;
                    ml = ml0;
                }
                if (start2 - ip < 3) { // the first match would be too short: the second replaces it
                    ip = start2;
                    ref = ref2;
                    ml = ml2;
                    continue;
                }
                while (true) { // first and second match known; a third decides how to cut them
                    if (start2 - ip < OPTIMAL_ML) {
                        int newMl = Math.min(Math.min(ml, OPTIMAL_ML), start2 - ip + ml2 - MIN_MATCH);
                        int correction = Math.min(newMl - (start2 - ip), mfLimit - start2);
                        if (correction > 0) {
                            start2 += correction;
                            ref2 += correction;
                            ml2 -= correction;
                        }
                    }
                    int ml3 = ml2;
                    int start3 = start2;
                    int ref3 = ref2;
                    if (start2 + ml2 <= mfLimit) {
                        ml3 = widerMatch(start2 + ml2 - 3, start2, ml2, ref2);
                        start3 = foundStart;
                        ref3 = foundRef;
                    }
                    if (ml3 == ml2) { // no third match: emit the first (cut where the second starts), then the second
                        if (start2 < ip + ml) {
                            ml = start2 - ip;
                        }
                        if (!emit(out, ip, ml, ref) || !emit(out, start2, ml2, ref2)) {
                            return;
                        }
                        ip = start2 + ml2;
                        continue nextSequence;
                    }
                    if (start3 < ip + ml + 3) { // the third overlaps so much that the second is dropped
                        if (start3 >= ip + ml) { // the first can be written now; the third becomes the new first
                            if (start2 < ip + ml) {
                                int correction = ip + ml - start2;
                                start2 += correction;
                                ref2 += correction;
                                ml2 -= correction;
                                if (ml2 < MIN_MATCH) {
                                    start2 = start3;
                                    ref2 = ref3;
                                    ml2 = ml3;
                                }
                            }
                            if (!emit(out, ip, ml, ref)) {
                                return;
                            }
                            ip = start3;
                            ref = ref3;
                            ml = ml3;
                            start0 = start2;
                            ref0 = ref2;
                            ml0 = ml2;
                            break; // back to the search for a second match
                        }
                        start2 = start3;
                        ref2 = ref3;
                        ml2 = ml3;
                        continue;
                    }
                    // Three ascending matches: write the first, shortened to where the second starts.
                    if (start2 < ip + ml) {
                        if (start2 - ip < OPTIMAL_ML) {
                            ml = Math.min(Math.min(ml, OPTIMAL_ML), start2 - ip + ml2 - MIN_MATCH);
                            int correction = Math.min(ml - (start2 - ip), mfLimit - start2);
                            if (correction > 0) {
                                start2 += correction;
                                ref2 += correction;
                                ml2 -= correction;
                            }
                        } else {
                            ml = start2 - ip;
                        }
                    }
                    if (!emit(out, ip, ml, ref)) {
                        return;
                    }
                    ip = start2;
                    ref = ref2;
                    ml = ml2;
                    start2 = start3;
                    ref2 = ref3;
                    ml2 = ml3;
                }
            }
        }
    }

    /** Emits one sequence; false when the output is full (the block ends here). */
    private static boolean emit(SequenceWriter out, int at, int len, int ref) {
        return out.emit(at, len, at - ref) == len;
    }

    private void insertUpTo(int target) {
        if (nextToInsert >= target) {
            return;
        }
        final int[] t = heads.slots;
        final int bias = heads.bias;
        final byte[] s = src;
        final char[] next = chain;
        for (int p = nextToInsert; p < target; p++) {
            int h = hash(Bytes.readInt(s, p));
            next[p & WINDOW_MASK] = chainLink(p - (t[h] - bias));
            t[h] = p + bias;
        }
        nextToInsert = target;
    }

    /**
     * The chain entry for a predecessor {@code delta} bytes back: 0 (end of chain) when out of the window.
     * Branch-free, as it runs for every input byte. A slot left by an earlier call points before
     * {@link #start}, where every chain walk stops anyway.
     */
    private static char chainLink(int delta) {
        return (char) (delta & ((delta - MAX_OFFSET - 1) >> 31));
    }

    /**
     * Moves forward from {@code ip} to the first position whose chain holds a candidate with the same first four
     * bytes (within the depth), inserting every position passed. Returns it, with that candidate in
     * {@link #scanCand} and the depth left in {@link #scanAttempts}; or {@code limit + 1} if there is none.
     * Literal runs are where most positions are searched and fail, so this loop keeps everything in locals.
     */
    private int scanLiterals(int ip, int limit) {
        assert nextToInsert <= ip : "position " + ip + " would be inserted twice";
        insertUpTo(ip);
        final byte[] s = src;
        final int[] t = heads.slots;
        final int bias = heads.bias;
        final int validFrom = heads.validFrom;
        final char[] next = chain;
        final int first = start;
        for (; ip <= limit; ip++) {
            final int head = Bytes.readInt(s, ip);
            final int h = hash(head);
            final int stored = t[h];
            t[h] = ip + bias;
            int cand = stored - bias;
            next[ip & WINDOW_MASK] = chainLink(ip - cand);
            if (stored < validFrom) {
                continue;
            }
            final int lowest = Math.max(first, ip - MAX_OFFSET);
            for (int attempts = depth; cand >= lowest; ) {
                if (Bytes.readInt(s, cand) == head) {
                    nextToInsert = ip + 1;
                    scanCand = cand;
                    scanAttempts = attempts;
                    return ip;
                }
                if (--attempts == 0) {
                    break;
                }
                int delta = next[cand & WINDOW_MASK];
                if (delta == 0) {
                    break;
                }
                cand -= delta;
            }
        }
        nextToInsert = Math.max(nextToInsert, ip);
        return ip;
    }

    /**
     * Longest match among up to {@code depth} candidates for position {@code p}, extended backwards as far as
     * {@code lowLimit}. Only a match longer than {@code longest} counts; returns its length (else
     * {@code longest}) and sets {@link #foundStart}/{@link #foundRef}.
     */
    private int widerMatch(int p, int lowLimit, int longest, int lowRef) {
        insertUpTo(p);
        final byte[] s = src;
        if (longest >= matchLimit - lowLimit) {
            return longest;
        }
        int stored = heads.slots[hash(Bytes.readInt(s, p))];
        if (stored < heads.validFrom) {
            return longest;
        }
        return widerMatch(p, lowLimit, longest, lowRef, stored - heads.bias, depth);
    }

    /**
     * The chain walk of {@link #widerMatch}, from candidate {@code cand} with {@code attempts} left. The match
     * already known at lowLimit (source {@code lowRef}, length {@code longest}; -1 if none) reappears in the chain
     * as the candidate continuing it; it can only tie, so it is skipped without comparing.
     */
    private int widerMatch(int p, int lowLimit, int longest, int lowRef, int cand, int attempts) {
        final byte[] s = src;
        final char[] next = chain;
        final int lowest = Math.max(start, p - MAX_OFFSET);
        final int head = Bytes.readInt(s, p);
        // Quick reject: a longer match aligned at lowLimit must agree on the two bytes ending at `longest`
        // (read at cand + probe; clamped at 0 near the array start, where it is only a heuristic anyway).
        int probe = longest - 1 - (p - lowLimit);
        short tail = Bytes.readShort(s, lowLimit + longest - 1);
        final int known = lowRef < 0 ? -1 : lowRef + (p - lowLimit);
        for (int n = attempts; n > 0 && cand >= lowest; n--) {
            if (cand != known && Bytes.readShort(s, Math.max(cand + probe, 0)) == tail
                    && Bytes.readInt(s, cand) == head) {
                int len = matchLength(p, cand, lowLimit);
                if (len > longest) {
                    longest = len;
                    foundStart = candStart;
                    foundRef = candRef;
                    if (len >= niceLength || len >= matchLimit - lowLimit) {
                        break;
                    }
                    probe = longest - 1 - (p - lowLimit);
                    tail = Bytes.readShort(s, lowLimit + longest - 1);
                }
            }
            int delta = next[cand & WINDOW_MASK];
            if (delta == 0) {
                break;
            }
            cand -= delta;
        }
        return longest;
    }

    /** Length of the match of p with cand, extended backwards down to lowLimit; sets candStart/candRef. */
    private int matchLength(int p, int cand, int lowLimit) {
        final byte[] s = src;
        int maxBack = Math.min(p - lowLimit, cand - start);
        // Most candidates differ in the byte just before: settle those without the word-wise compare.
        int back = maxBack > 0 && s[p - 1] == s[cand - 1] ? Bytes.commonLengthBackward(s, cand, p, maxBack) : 0;
        candStart = p - back;
        candRef = cand - back;
        return back + MIN_MATCH + Bytes.commonLength(s, cand + MIN_MATCH, p + MIN_MATCH, matchLimit);
    }
}
