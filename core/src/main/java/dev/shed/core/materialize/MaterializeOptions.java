package dev.shed.core.materialize;

import java.util.Locale;

/**
 * How lowers are built. Every field is part of the cache key (recorded beside the image, see
 * {@link LowerRecord}): changing one makes existing lowers stale, and they are rebuilt on next use.
 *
 * @param compression  EROFS data compression
 * @param level        compressor level; -1 for the compressor's default (LZ4HC: 9)
 * @param pclusterSize physical cluster size in bytes (4096 = one block: lowest random-read amplification)
 * @param backend      who writes the image: shed's own writer, or the host's mkfs.erofs
 * @param layout       one self-contained image ({@code flat}), or a metadata image over per-layer data devices
 *                     ({@code shared}, docs/shared-lowers.md)
 */
public record MaterializeOptions(Compression compression, int level, int pclusterSize, Backend backend, Layout layout) {

    /** How a lower is stored. */
    public enum Layout {
        /** One EROFS image holding metadata and data: what runtimes that take a single disk need. */
        FLAT,
        /** A per-manifest metadata image whose file data lives in per-layer data devices, shared across manifests. */
        SHARED;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Layout parse(String s) {
            for (Layout l : values()) if (l.cliName().equals(s.toLowerCase(Locale.ROOT))) return l;
            throw new IllegalArgumentException("unknown layout '" + s + "' (flat, shared)");
        }
    }

    /** The layout used when none is configured. */
    public static final Layout DEFAULT_LAYOUT = Layout.FLAT;

    public enum Compression {
        NONE, LZ4, LZ4HC;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Compression parse(String s) {
            for (Compression c : values()) if (c.cliName().equals(s.toLowerCase(Locale.ROOT))) return c;
            throw new IllegalArgumentException("unknown compression '" + s + "' (none, lz4, lz4hc)");
        }
    }

    public enum Backend {
        /** shed's pure-Java EROFS writer, fed straight from the layer streams (no extraction). */
        JAVA("java"),
        /** The seed's host-native path: merged tree extracted to a temp directory, then mkfs.erofs. */
        MKFS_EROFS("mkfs.erofs");

        private final String cliName;

        Backend(String cliName) {
            this.cliName = cliName;
        }

        public String cliName() {
            return cliName;
        }

        public static Backend parse(String s) {
            for (Backend b : values()) if (b.cliName.equals(s)) return b;
            throw new IllegalArgumentException("unknown backend '" + s + "' (java, mkfs.erofs)");
        }
    }

    public static final int DEFAULT_LEVEL = -1;

    public MaterializeOptions {
        if (compression == null) compression = Compression.LZ4HC;
        if (backend == null) backend = Backend.JAVA;
        if (layout == null) layout = DEFAULT_LAYOUT;
        if (pclusterSize == 0) pclusterSize = 4096;
        if (pclusterSize < 4096 || pclusterSize % 4096 != 0 || pclusterSize > 1 << 20) {
            throw new IllegalArgumentException("pcluster size must be a multiple of 4096 up to 1 MiB: " + pclusterSize);
        }
        if (level != DEFAULT_LEVEL && compression == Compression.LZ4HC && (level < 1 || level > 12)) {
            throw new IllegalArgumentException("lz4hc level must be 1..12: " + level);
        }
        if (level != DEFAULT_LEVEL && compression != Compression.LZ4HC) {
            throw new IllegalArgumentException("--level applies to lz4hc only");
        }
    }

    /** The default layout. */
    public MaterializeOptions(Compression compression, int level, int pclusterSize, Backend backend) {
        this(compression, level, pclusterSize, backend, DEFAULT_LAYOUT);
    }

    /** lz4hc at its default level, 4 KiB pclusters, the Java writer, the default layout. */
    public static MaterializeOptions defaults() {
        return new MaterializeOptions(Compression.LZ4HC, DEFAULT_LEVEL, 4096, Backend.JAVA, DEFAULT_LAYOUT);
    }

    /** The level actually used (defaults resolved), so "-1" and "9" are the same cache key. */
    public int effectiveLevel() {
        if (compression != Compression.LZ4HC) return 0;
        return level == DEFAULT_LEVEL ? dev.shed.erofs.Compression.LZ4HC_DEFAULT_LEVEL : level;
    }

    public MaterializeOptions withCompression(Compression c) {
        return new MaterializeOptions(c, c == Compression.LZ4HC ? level : DEFAULT_LEVEL, pclusterSize, backend, layout);
    }

    public MaterializeOptions withLevel(int l) {
        return new MaterializeOptions(compression, l, pclusterSize, backend, layout);
    }

    public MaterializeOptions withBackend(Backend b) {
        return new MaterializeOptions(compression, level, pclusterSize, b, layout);
    }

    public MaterializeOptions withLayout(Layout l) {
        return new MaterializeOptions(compression, level, pclusterSize, backend, l);
    }
}
