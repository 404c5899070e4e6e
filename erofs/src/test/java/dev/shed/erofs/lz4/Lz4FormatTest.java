package dev.shed.erofs.lz4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Lz4FormatTest {

    private static int literalRunCost(int n) {
        return 1 + Lz4Format.extraLengthBytes(n) + n;
    }

    @Test
    void maxLiteralsFittingIsTheLargestRunThatFits() {
        assertThat(Lz4Format.maxLiteralsFitting(0)).isEqualTo(-1);
        for (int room = 1; room <= 300_000; room++) {
            int n = Lz4Format.maxLiteralsFitting(room);
            assertThat(literalRunCost(n)).as("room %d, run %d", room, n).isLessThanOrEqualTo(room);
            assertThat(literalRunCost(n + 1)).as("room %d, run %d", room, n + 1).isGreaterThan(room);
        }
    }

    @Test
    void commonLengthBackwardCountsEqualBytesBeforeBothPositions() {
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[64 + r.nextInt(64)];
            for (int k = 0; k < b.length; k++) b[k] = (byte) r.nextInt(3);
            int a = r.nextInt(b.length / 2 + 1);
            int p = a + 1 + r.nextInt(b.length - a - 1);
            int max = r.nextInt(a + 1);
            int expected = 0;
            while (expected < max && b[a - 1 - expected] == b[p - 1 - expected]) expected++;
            assertThat(Bytes.commonLengthBackward(b, a, p, max)).as("a %d p %d max %d", a, p, max).isEqualTo(expected);
        }
    }
}
