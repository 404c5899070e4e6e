package dev.shed.erofs.compress;

import dev.shed.erofs.data.DataPipeline;
import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.format.LclusterIndex;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Single-thread pcluster compression throughput and block count on real files, cut into segments like the
 * writer does; bench/lz4.sh runs it beside liblz4 on the same list of files. Run: {@code mvn -pl erofs test
 * -Dtest=SegmentCompressorBenchTest -Dshed.bench.list=FILE_OF_PATHS [-Dshed.bench.mb=64] [-Dshed.bench.level=9]
 * [-Dshed.bench.runs=3]}.
 */
@Tag("bench")
@EnabledIfSystemProperty(named = "shed.bench.list", matches = ".+")
class SegmentCompressorBenchTest {

    @Test
    void throughput() throws IOException {
        long want = Long.getLong("shed.bench.mb", 64) << 20;
        int level = Integer.getInteger("shed.bench.level", 9);
        List<byte[]> files = new ArrayList<>();
        long total = 0;
        for (String line : Files.readAllLines(Path.of(System.getProperty("shed.bench.list")))) {
            if (total >= want) break;
            Path p = Path.of(line);
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue;
            long size = Files.size(p);
            if (size <= ErofsFormat.BLOCK_SIZE || size > 64 << 20) continue;
            byte[] b = Files.readAllBytes(p);
            files.add(b);
            total += b.length;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SegmentCompressor c = new SegmentCompressor(level, 1);
        for (int run = 0, runs = Integer.getInteger("shed.bench.runs", 3); run < runs; run++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long blocks = 0;
            long stored = 0;
            for (byte[] f : files) {
                for (int off = 0; off < f.length; off += DataPipeline.SEGMENT_SIZE) {
                    int len = Math.min(DataPipeline.SEGMENT_SIZE, f.length - off);
                    byte[] seg = off == 0 && len == f.length ? f : Arrays.copyOfRange(f, off, off + len);
                    CompressedSegment cs = c.compress(seg, len);
                    blocks += cs.blockCount();
                    for (int e : cs.extents()) {
                        if ((e & LclusterIndex.STORED_FLAG) != 0) stored++;
                    }
                }
            }
            double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
            System.out.printf("level %d: %d files, %.1f MB in %.2fs cpu = %.1f MB/s per core, %d blocks (%.4f), "
                    + "%d stored raw%n", level, files.size(), total / 1e6, cpu, total / 1e6 / cpu, blocks,
                    blocks * 4096.0 / total, stored);
        }
    }
}
