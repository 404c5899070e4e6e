package dev.shed.erofs.lz4;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Throughput figures; run with {@code mvn -pl erofs test -Dtest=Lz4BenchTest -Dshed.bench=true}. */
@Tag("bench")
@EnabledIfSystemProperty(named = "shed.bench", matches = ".+")
class Lz4BenchTest {

    @Test
    void throughput() {
        byte[] text = Arrays.copyOf(TestData.text(), 1 << 20);
        byte[] random = TestData.random(new Random(1), 1 << 20);
        for (int level : new int[] {0, 1, 4, 6, 9, 12}) {
            for (String name : new String[] {"text", "random"}) {
                byte[] data = name.equals("text") ? text : random;
                report(level, name, data, 4096);
                report(level, name, data, 65536);
            }
        }
        byte[] out = new byte[Lz4DestSizeCompressor.maxCompressedLength(text.length)];
        int len = new Lz4DestSizeCompressor(9).compress(text, 0, text.length, out, 0, out.length).produced();
        byte[] back = new byte[text.length];
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 30; i++) {
            long t0 = System.nanoTime();
            Lz4BlockDecompressor.decompress(out, 0, len, back, 0, back.length);
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("decompress text (hc9 block): %.0f MB/s%n", text.length / 1e6 / (best / 1e9));
    }

    /** EROFS-style: compress the whole input as a chain of fixed-size pclusters; best of several runs. */
    private static void report(int level, String name, byte[] data, int pcluster) {
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(level);
        byte[] out = new byte[pcluster];
        long best = Long.MAX_VALUE;
        long produced = 0;
        int runs = level >= 10 ? 3 : 10;
        for (int run = 0; run < runs; run++) {
            long t0 = System.nanoTime();
            produced = 0;
            for (int pos = 0; pos < data.length; ) {
                Lz4DestSizeCompressor.Result r = c.compress(data, pos, data.length - pos, out, 0, pcluster);
                pos += r.consumed();
                produced += r.produced();
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("level %2d %-6s pcluster %5d: %7.1f MB/s  ratio %.3f%n",
                level, name, pcluster, data.length / 1e6 / (best / 1e9), (double) produced / data.length);
    }
}
