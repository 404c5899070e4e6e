package dev.shed.core.flatten;

import java.util.Arrays;

/**
 * The merge's memory: one node per path seen (entries, their implied parents, whiteout targets), stored in
 * parallel primitive arrays instead of objects. A node is (parent id, name bytes in a shared arena, flags, layer)
 * found through an open hash on (parent, name). Cost per node: parent 4 + name offset 4 + name length 2 +
 * chain 4 + flags 1 + layer 2 + hash bucket ~5 bytes + the UTF-8 name bytes (≈ 22 + name ≈ 35–40 bytes for
 * typical file names; arrays grow by 1.5×, so up to half again while growing). A million entries fit in ~40 MB.
 */
final class PathTable {
    static final int ROOT = 0;

    /** An entry at this path was emitted (by {@link #layer}). */
    static final int PRESENT = 1;
    /** The emitted entry (or the implied one) is a directory. */
    static final int DIR = 2;
    /** A directory implied by emitted descendants (from {@link #layer}), no entry of its own yet. */
    static final int IMPLIED = 4;
    /** An upper layer whited this path out: lower entries at or below it are hidden. */
    static final int WHITEOUT = 8;
    /** An upper layer marked this directory opaque: lower entries below it are hidden. */
    static final int OPAQUE = 16;
    /** The emitted entry is a regular file (a valid hardlink target). */
    static final int REGULAR = 32;

    private int size;
    private int[] parent = new int[1024];
    private int[] nameOff = new int[1024];
    private short[] nameLen = new short[1024];
    private int[] chain = new int[1024];
    private byte[] flags = new byte[1024];
    private short[] layer = new short[1024];
    private byte[] arena = new byte[16384];
    private int arenaLen;
    private int[] buckets = new int[2048]; // node id + 1; 0 = empty

    PathTable() {
        size = 1; // root
        parent[ROOT] = -1;
        layer[ROOT] = -1;
    }

    int size() {
        return size;
    }

    /** Approximate bytes held, for the documented budget. */
    long footprint() {
        return (long) parent.length * (4 + 4 + 2 + 4 + 1 + 2) + arena.length + (long) buckets.length * 4;
    }

    int flags(int id) {
        return flags[id];
    }

    void setFlags(int id, int f) {
        flags[id] = (byte) f;
    }

    void addFlags(int id, int f) {
        flags[id] |= (byte) f;
    }

    int layer(int id) {
        return layer[id];
    }

    void setLayer(int id, int l) {
        layer[id] = (short) l;
    }

    /** The child of {@code p} named {@code name[off, off+len)}, or -1. */
    int child(int p, byte[] name, int off, int len) {
        int h = hash(p, name, off, len);
        for (int id = buckets[h & (buckets.length - 1)] - 1; id >= 0; id = chain[id] - 1) {
            if (parent[id] == p && nameLen[id] == len
                    && Arrays.equals(arena, nameOff[id], nameOff[id] + len, name, off, off + len)) {
                return id;
            }
        }
        return -1;
    }

    /** The child, created (with no flags) when absent. */
    int childOrCreate(int p, byte[] name, int off, int len) {
        int found = child(p, name, off, len);
        if (found >= 0) return found;
        if (len > Short.MAX_VALUE) throw new IllegalArgumentException("path component longer than 32767 bytes");
        if (size == parent.length) grow();
        if (arenaLen + len > arena.length) arena = Arrays.copyOf(arena, Math.max(arena.length + (arena.length >> 1), arenaLen + len));
        System.arraycopy(name, off, arena, arenaLen, len);
        int id = size++;
        parent[id] = p;
        nameOff[id] = arenaLen;
        nameLen[id] = (short) len;
        layer[id] = -1;
        arenaLen += len;
        if (size * 4L > buckets.length * 3L) rehash(buckets.length * 2);
        else link(id);
        return id;
    }

    private void link(int id) {
        int b = hash(parent[id], arena, nameOff[id], nameLen[id]) & (buckets.length - 1);
        chain[id] = buckets[b];
        buckets[b] = id + 1;
    }

    private void rehash(int n) {
        buckets = new int[n];
        for (int id = 1; id < size; id++) link(id);
    }

    private void grow() {
        int n = parent.length + (parent.length >> 1);
        parent = Arrays.copyOf(parent, n);
        nameOff = Arrays.copyOf(nameOff, n);
        nameLen = Arrays.copyOf(nameLen, n);
        chain = Arrays.copyOf(chain, n);
        flags = Arrays.copyOf(flags, n);
        layer = Arrays.copyOf(layer, n);
    }

    private static int hash(int p, byte[] b, int off, int len) {
        int h = p * 0x9E3779B1;
        for (int i = off; i < off + len; i++) h = (h ^ b[i]) * 0x01000193;
        return h ^ (h >>> 16);
    }
}
