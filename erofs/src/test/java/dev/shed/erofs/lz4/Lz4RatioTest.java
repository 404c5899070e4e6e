package dev.shed.erofs.lz4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

/** Compares compressed sizes with lz4-java (reference LZ4/LZ4HC through JNI when available) and logs them. */
class Lz4RatioTest {

    private static LZ4Factory reference() {
        try {
            return LZ4Factory.nativeInstance();
        } catch (Throwable t) {
            return LZ4Factory.safeInstance();
        }
    }

    private static int referenceSize(LZ4Compressor c, byte[] data) {
        byte[] out = new byte[c.maxCompressedLength(data.length)];
        return c.compress(data, 0, data.length, out, 0, out.length);
    }

    /** Whole input as one block (capacity large enough), i.e. the same setting as lz4-java. */
    static int oursWhole(int level, byte[] data) {
        byte[] out = new byte[Lz4DestSizeCompressor.maxCompressedLength(data.length)];
        Lz4DestSizeCompressor.Result r = new Lz4DestSizeCompressor(level).compress(data, 0, data.length, out, 0, out.length);
        assertThat(r.consumed()).isEqualTo(data.length);
        byte[] back = new byte[data.length];
        Lz4BlockDecompressor.decompress(out, 0, r.produced(), back, 0, back.length);
        assertThat(back).isEqualTo(data);
        return r.produced();
    }

    /** EROFS-style: consecutive independent blocks of exactly {@code pcluster} output bytes each. */
    static long oursPclusters(int level, byte[] data, int pcluster) {
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(level);
        byte[] out = new byte[pcluster];
        long total = 0;
        for (int pos = 0; pos < data.length; ) {
            Lz4DestSizeCompressor.Result r = c.compress(data, pos, data.length - pos, out, 0, pcluster);
            pos += r.consumed();
            total += pcluster; // each pcluster occupies a full block on disk (the tail one too, simplifying)
        }
        return total;
    }

    @Test
    void ratiosAgainstReference() {
        byte[] text = Arrays.copyOf(TestData.text(), 1 << 20);
        byte[] mixed = TestData.compressible(new Random(1), 1 << 20);
        LZ4Factory ref = reference();
        System.out.println("reference lz4-java factory: " + ref);
        for (String name : new String[] {"text", "synthetic"}) {
            byte[] data = name.equals("text") ? text : mixed;
            int refFast = referenceSize(ref.fastCompressor(), data);
            int refHc9 = referenceSize(ref.highCompressor(9), data);
            int refHc12 = referenceSize(ref.highCompressor(12), data);
            System.out.printf("%s (%d bytes): lz4-java fast=%d hc9=%d hc12=%d%n", name, data.length, refFast, refHc9, refHc12);
            for (int level = 0; level <= Lz4DestSizeCompressor.MAX_LEVEL; level++) {
                int ours = oursWhole(level, data);
                long pc = oursPclusters(level, data, 4096);
                System.out.printf("  level %2d: whole=%d (%.4f of hc9, %.4f of fast)  4K-pclusters=%d (%.3f)%n",
                        level, ours, (double) ours / refHc9, (double) ours / refFast, pc, (double) pc / data.length);
            }
            // Quality bar: HC 9 within a few percent of LZ4HC -9, fast no worse than a bit over LZ4 default.
            assertThat((double) oursWhole(9, data) / refHc9).as(name + " hc9").isLessThan(1.04);
            assertThat((double) oursWhole(0, data) / refFast).as(name + " fast").isLessThan(1.10);
        }
    }
}
