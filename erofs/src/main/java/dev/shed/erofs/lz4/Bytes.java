package dev.shed.erofs.lz4;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Unaligned little-endian reads from byte arrays (bounds-checked, intrinsified by HotSpot). */
final class Bytes {
    private Bytes() {}

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static short readShort(byte[] b, int off) {
        return (short) SHORT.get(b, off);
    }

    static int readInt(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    static long readLong(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    /**
     * How many bytes before {@code a} equal the bytes before {@code p} (b[a-1] == b[p-1], ...), up to
     * {@code max}; the caller guarantees a - max &ge; 0 and p - max &ge; 0.
     */
    static int commonLengthBackward(byte[] b, int a, int p, int max) {
        int n = 0;
        while (n + 8 <= max) {
            long diff = readLong(b, a - n - 8) ^ readLong(b, p - n - 8);
            if (diff != 0) {
                return n + (Long.numberOfLeadingZeros(diff) >>> 3);
            }
            n += 8;
        }
        while (n < max && b[a - n - 1] == b[p - n - 1]) {
            n++;
        }
        return n;
    }

    /**
     * Length of the common prefix of b[a...] and b[p...], where the bytes at p may not go past {@code limit}
     * (a &lt; p, so a never overtakes the limit either).
     */
    static int commonLength(byte[] b, int a, int p, int limit) {
        int start = p;
        while (p + 8 <= limit) {
            long diff = readLong(b, a) ^ readLong(b, p);
            if (diff != 0) {
                return p - start + (Long.numberOfTrailingZeros(diff) >>> 3);
            }
            a += 8;
            p += 8;
        }
        while (p < limit && b[a] == b[p]) {
            a++;
            p++;
        }
        return p - start;
    }
}
