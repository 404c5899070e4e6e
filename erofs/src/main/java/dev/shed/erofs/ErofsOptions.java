package dev.shed.erofs;

import java.util.Optional;

/**
 * Image-wide settings. Immutable; build with {@link #builder()}.
 *
 * @param compression  file data compression
 * @param level        compressor level (LZ4HC: 1..12; LZ4 always uses 0)
 * @param pclusterSize largest physical cluster in bytes: 4096 (one block, the default: a random read decompresses at
 *                     most one block's worth of input) up to 1 MiB in multiples of 4096. Bigger pclusters compress
 *                     better but every read of a byte decompresses its whole pcluster; they need Linux 5.13+ and
 *                     always get full indexes
 * @param uuid         fixed 16-byte volume UUID, or empty to derive one from the image content
 * @param buildTime    superblock build time (seconds); compact inodes inherit it as their mtime
 * @param threads      compression worker threads
 * @param compactIndexes compressed files get compact lcluster indexes (2-4 B per 4 KiB, as mkfs.erofs writes
 *                     by default; Linux 5.3+) instead of full ones (8 B per 4 KiB); one-block pclusters only
 */
public record ErofsOptions(Compression compression, int level, int pclusterSize, Optional<byte[]> uuid,
                           long buildTime, int threads, boolean compactIndexes) {

    public ErofsOptions {
        if (pclusterSize < 4096 || pclusterSize % 4096 != 0 || pclusterSize > 1 << 20) {
            throw new IllegalArgumentException("pcluster size must be a multiple of 4096 up to 1 MiB: " + pclusterSize);
        }
        if (compression == Compression.LZ4HC && (level < 1 || level > 12)) {
            throw new IllegalArgumentException("LZ4HC level must be 1..12: " + level);
        }
        uuid.ifPresent(u -> {
            if (u.length != 16) throw new IllegalArgumentException("uuid must be 16 bytes");
        });
        uuid = uuid.map(byte[]::clone);
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
    }

    @Override
    public Optional<byte[]> uuid() {
        return uuid.map(byte[]::clone);
    }

    /** Whether pclusters may span several blocks (the BIG_PCLUSTER feature). */
    public boolean bigPclusters() {
        return compression != Compression.NONE && pclusterSize > 4096;
    }

    /** The level handed to the LZ4 compressor. */
    public int compressorLevel() {
        return compression == Compression.LZ4HC ? level : 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ErofsOptions defaults() {
        return builder().build();
    }

    public static final class Builder {
        private Compression compression = Compression.NONE;
        private int level = Compression.LZ4HC_DEFAULT_LEVEL;
        private int pclusterSize = 4096;
        private byte[] uuid;
        private long buildTime;
        private int threads = Runtime.getRuntime().availableProcessors();
        private boolean compactIndexes = true;

        public Builder compression(Compression c) { this.compression = c; return this; }
        public Builder level(int level) { this.level = level; return this; }
        public Builder pclusterSize(int bytes) { this.pclusterSize = bytes; return this; }
        public Builder uuid(byte[] uuid) { this.uuid = uuid == null ? null : uuid.clone(); return this; }
        public Builder buildTime(long seconds) { this.buildTime = seconds; return this; }
        public Builder threads(int n) { this.threads = n; return this; }
        public Builder compactIndexes(boolean on) { this.compactIndexes = on; return this; }

        public ErofsOptions build() {
            return new ErofsOptions(compression, level, pclusterSize, Optional.ofNullable(uuid), buildTime, threads,
                    compactIndexes);
        }
    }
}
