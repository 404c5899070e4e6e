package dev.shed.erofs.lz4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Lz4DestSizeCompressorTest {
    private static final int[] LEVELS = {0, 1, 3, 6, 9, 10, 12};

    private static byte[] generate(Random r, int kind, int n) {
        switch (kind) {
            case 0:
                return TestData.random(r, n);
            case 1:
                return TestData.compressible(r, n);
            case 2:
                return new byte[n];
            default:
                return TestData.textSlice(r, n);
        }
    }

    /** Skewed towards small sizes but reaching 1 MiB. */
    private static int randomSize(Random r) {
        switch (r.nextInt(4)) {
            case 0:
                return r.nextInt(64);
            case 1:
                return r.nextInt(8192);
            case 2:
                return r.nextInt(128 << 10);
            default:
                return r.nextInt((1 << 20) + 1);
        }
    }

    private static int randomCapacity(Random r) {
        switch (r.nextInt(3)) {
            case 0:
                return 16 + r.nextInt(256);
            case 1:
                return 4096 * (1 + r.nextInt(4)) - r.nextInt(2) * r.nextInt(64);
            default:
                return 16 + r.nextInt((64 << 10) - 15);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 6, 9, 10, 12})
    void randomizedRoundTrips(int level) {
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(level);
        Random r = new Random(1234 + level);
        int cases = level >= 10 ? 120 : 250;
        for (int i = 0; i < cases; i++) {
            int kind = r.nextInt(4);
            int size = randomSize(r);
            int pad = r.nextInt(20);
            byte[] buf = generate(r, kind, size + 2 * pad);
            Lz4Verifier.check(c, buf, pad, size, randomCapacity(r));
        }
    }

    @Test
    void oneInstanceAcrossManyCallsAndOffsets() {
        // Simulates an EROFS writer: consecutive pclusters from one buffer, reusing the instance (stale tables).
        byte[] data = TestData.textSlice(new Random(7), 3 << 20);
        for (int level : new int[] {0, 9}) {
            Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(level);
            int pos = 0;
            long produced = 0;
            while (pos < data.length) {
                Lz4DestSizeCompressor.Result res = Lz4Verifier.check(c, data, pos, data.length - pos, 4096);
                assertThat(res.consumed()).isPositive();
                pos += res.consumed();
                produced += res.produced();
            }
            System.out.printf("pcluster chain level %d: %d -> %d bytes (%.3f)%n",
                    level, data.length, produced, (double) produced / data.length);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 12})
    void zerosPackHugely(int level) {
        byte[] zeros = new byte[1 << 20];
        Lz4DestSizeCompressor.Result res = Lz4Verifier.check(new Lz4DestSizeCompressor(level), zeros, 0, zeros.length, 4096);
        // One literal + one match whose length takes ~1 byte per 255 input bytes.
        assertThat(res.consumed()).isGreaterThan(1_000_000);
        Lz4DestSizeCompressor.Result small = Lz4Verifier.check(new Lz4DestSizeCompressor(level), zeros, 0, 100_000, 4096);
        assertThat(small.consumed()).isEqualTo(100_000);
        assertThat(small.produced()).isLessThan(420);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9})
    void incompressibleFillsCapacity(int level) {
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(level);
        Random r = new Random(99);
        byte[] noise = TestData.random(r, 200_000);
        for (int cap : new int[] {16, 17, 30, 31, 32, 270, 271, 272, 4096, 8192, 65536}) {
            Lz4DestSizeCompressor.Result res = Lz4Verifier.check(c, noise, 0, noise.length, cap);
            int best = Lz4Format.maxLiteralsFitting(cap);
            assertThat(res.consumed()).as("cap " + cap).isBetween(best - 8, best);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 12})
    void shortInputsAreAllLiterals(int level) {
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(level);
        for (int n = 0; n <= 13; n++) {
            byte[] same = new byte[n]; // maximally repetitive, yet too short for a legal match below 13
            Lz4DestSizeCompressor.Result res = Lz4Verifier.check(c, same, 0, n, 64);
            assertThat(res.consumed()).isEqualTo(n);
            if (n < 13) {
                assertThat(res.produced()).isEqualTo(1 + n);
            }
        }
        // 13 bytes is the shortest input that can hold a match: 1 literal + 7-byte match + 5 literals.
        Lz4DestSizeCompressor.Result res = Lz4Verifier.check(c, new byte[13], 0, 13, 64);
        assertThat(res.produced()).isLessThan(14);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9})
    void tinyCapacities(int level) {
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(level);
        byte[] data = TestData.textSlice(new Random(3), 1000);
        assertThat(Lz4Verifier.check(c, data, 0, data.length, 0)).isEqualTo(new Lz4DestSizeCompressor.Result(0, 0));
        assertThat(Lz4Verifier.check(c, data, 0, data.length, 1)).isEqualTo(new Lz4DestSizeCompressor.Result(0, 1));
        for (int cap = 2; cap <= 40; cap++) {
            Lz4DestSizeCompressor.Result res = Lz4Verifier.check(c, data, 0, data.length, cap);
            assertThat(res.consumed()).isPositive();
        }
        byte[] zeros = new byte[1000];
        for (int cap = 1; cap <= 40; cap++) {
            Lz4Verifier.check(c, zeros, 0, zeros.length, cap);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9})
    void exactBoundaries(int level) {
        // Capacity exactly equal to / one below the size needed for the whole input.
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(level);
        Random r = new Random(5);
        for (int i = 0; i < 200; i++) {
            byte[] data = generate(r, r.nextInt(4), r.nextInt(20_000));
            byte[] big = new byte[Lz4DestSizeCompressor.maxCompressedLength(data.length)];
            Lz4DestSizeCompressor.Result full = c.compress(data, 0, data.length, big, 0, big.length);
            assertThat(full.consumed()).isEqualTo(data.length);
            Lz4DestSizeCompressor.Result exact = Lz4Verifier.check(c, data, 0, data.length, full.produced());
            assertThat(exact.consumed()).isEqualTo(data.length);
            if (full.produced() > 1) {
                Lz4DestSizeCompressor.Result less = Lz4Verifier.check(c, data, 0, data.length, full.produced() - 1);
                assertThat(less.consumed()).isLessThanOrEqualTo(data.length);
            }
        }
    }

    @Test
    void literalLengthByteBoundaries() {
        // Literal runs of 14/15/16 and 269/270/271 bytes straddle the 4-bit and 255 length-byte boundaries.
        Random r = new Random(11);
        for (int level : LEVELS) {
            Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(level);
            for (int lit : new int[] {0, 1, 14, 15, 16, 269, 270, 271, 524, 525, 526}) {
                for (int ml : new int[] {4, 18, 19, 20, 273, 274, 275}) {
                    byte[] head = TestData.random(r, lit + 8);
                    byte[] data = new byte[head.length + ml + 20];
                    System.arraycopy(head, 0, data, 0, head.length);
                    System.arraycopy(head, head.length - 8, data, head.length, 8); // match of >= 8 bytes
                    for (int cap : new int[] {lit + 10, lit + 20, lit + 40, 600, 4096}) {
                        Lz4Verifier.check(c, data, 0, data.length, cap);
                    }
                }
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new Lz4DestSizeCompressor(13)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Lz4DestSizeCompressor(-1)).isInstanceOf(IllegalArgumentException.class);
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(0);
        assertThatThrownBy(() -> c.compress(new byte[10], 5, 6, new byte[10], 0, 10))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> c.compress(new byte[10], 0, 10, new byte[10], 1, 10))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
