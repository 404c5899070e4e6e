package dev.shed.erofs.lz4;

import java.util.Arrays;

/**
 * Hash-head table of source positions that is reused across calls without clearing.
 *
 * <p>Each call gets a fresh, strictly increasing range of stored values ("epoch"); anything stored by an
 * earlier call is below {@link #validFrom} and reads as empty. The table is only wiped when the int range is
 * exhausted, so short EROFS-sized calls do not pay for clearing a 64-128 KiB table each time.
 */
final class PositionTable {
    final int[] slots;
    /** Stored value = position + bias. */
    int bias;
    /** Smallest stored value belonging to the current call. */
    int validFrom;
    private long nextBase = 1;

    PositionTable(int log) {
        slots = new int[1 << log];
    }

    void begin(int srcOff, int srcLen) {
        if (nextBase + srcLen + 1L >= Integer.MAX_VALUE) {
            Arrays.fill(slots, 0);
            nextBase = 1;
        }
        validFrom = (int) nextBase;
        bias = validFrom - srcOff;
        nextBase += srcLen + 1L;
    }
}
