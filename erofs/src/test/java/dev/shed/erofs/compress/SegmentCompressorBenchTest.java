package dev.shed.erofs.compress;

import dev.shed.erofs.format.ErofsFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Single-thread pcluster compression throughput and block count on real files, cut into segments like the
 * writer does. Run: {@code mvn -pl erofs test -Dtest=SegmentCompressorBenchTest -Dshed.bench.dir=DIR
 * [-Dshed.bench.mb=64] [-Dshed.bench.level=9]}.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "shed.bench.dir", matches = ".+")
class SegmentCompressorBenchTest {

    @Test
    void throughput() throws IOException {
        Path dir = Path.of(System.getProperty("shed.bench.dir"));
        long want = Long.getLong("shed.bench.mb", 64) << 20;
        int level = Integer.getInteger("shed.bench.level", 9);
        List<byte[]> files = new ArrayList<>();
        long total = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (total >= want) break;
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                long size = Files.size(p);
                if (size <= ErofsFormat.BLOCK_SIZE || size > 64 << 20) continue;
                byte[] b = Files.readAllBytes(p);
                files.add(b);
                total += b.length;
            }
        }
        SegmentCompressor c = new SegmentCompressor(level);
        for (int run = 0, runs = Integer.getInteger("shed.bench.runs", 3); run < runs; run++) {
            long t0 = System.nanoTime();
            long c0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long blocks = 0;
            long stored = 0;
            for (byte[] f : files) {
                for (int off = 0; off < f.length; off += CompressionPipeline.SEGMENT_SIZE) {
                    int len = Math.min(CompressionPipeline.SEGMENT_SIZE, f.length - off);
                    byte[] seg = off == 0 && len == f.length ? f : java.util.Arrays.copyOfRange(f, off, off + len);
                    CompressedSegment cs = c.compress(seg, len);
                    blocks += cs.blockCount();
                    for (int e : cs.extents()) {
                        if ((e & dev.shed.erofs.format.LclusterIndex.STORED_FLAG) != 0) stored++;
                    }
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c0) / 1e9;
            System.out.printf("level %d: %d files, %.1f MB in %.2fs wall, %.2fs cpu = %.1f MB/s per core, %d blocks (%.4f), %d stored raw%n",
                    level, files.size(), total / 1e6, s, cpu, total / 1e6 / cpu, blocks, blocks * 4096.0 / total, stored);
        }
    }
}
