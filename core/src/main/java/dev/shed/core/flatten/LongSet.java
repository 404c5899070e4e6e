package dev.shed.core.flatten;

import java.util.Arrays;

/** An open-addressing set of 64-bit path hashes: 8–16 bytes per element, no boxing. */
final class LongSet {
    private long[] slots = new long[64];
    private boolean hasZero;
    private int size;

    void add(long v) {
        if (v == 0) {
            hasZero = true;
            return;
        }
        if ((size + 1) * 2 > slots.length) resize();
        if (insert(slots, v)) size++;
    }

    boolean contains(long v) {
        if (v == 0) return hasZero;
        int mask = slots.length - 1;
        for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
            if (slots[i] == v) return true;
            if (slots[i] == 0) return false;
        }
    }

    private static boolean insert(long[] s, long v) {
        int mask = s.length - 1;
        for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
            if (s[i] == v) return false;
            if (s[i] == 0) {
                s[i] = v;
                return true;
            }
        }
    }

    private void resize() {
        long[] bigger = new long[slots.length * 2];
        for (long v : slots) if (v != 0) insert(bigger, v);
        slots = bigger;
    }

    private static int mix(long v) {
        v ^= v >>> 33;
        v *= 0xff51afd7ed558ccdL;
        v ^= v >>> 33;
        return (int) v;
    }

    /** 64-bit FNV-1a of a path's UTF-8 bytes. */
    static long hash(byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : b) h = (h ^ (x & 0xff)) * 0x100000001b3L;
        return h;
    }

    @Override
    public String toString() {
        return "LongSet" + Arrays.toString(Arrays.copyOf(slots, Math.min(4, slots.length)));
    }
}
