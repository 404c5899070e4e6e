package dev.shed.cli.erofs;

import dev.shed.erofs.Compression;

/** {@code none}, {@code lz4} or {@code lz4hc[,LEVEL]}, as mkfs.erofs spells its -z argument. */
record CompressionSpec(Compression compression, int level) {
    static CompressionSpec parse(String s) {
        String[] parts = s.trim().toLowerCase(java.util.Locale.ROOT).split(",", -1);
        Compression c;
        switch (parts[0]) {
            case "none": c = Compression.NONE; break;
            case "lz4": c = Compression.LZ4; break;
            case "lz4hc": c = Compression.LZ4HC; break;
            default: throw new IllegalArgumentException("invalid --compression '" + s + "': expected none, lz4 or lz4hc[,LEVEL]");
        }
        if (parts.length == 1) return new CompressionSpec(c, Compression.LZ4HC_DEFAULT_LEVEL);
        if (parts.length > 2 || c != Compression.LZ4HC) {
            throw new IllegalArgumentException("invalid --compression '" + s + "': only lz4hc takes a level (lz4hc,1..12)");
        }
        try {
            int level = Integer.parseInt(parts[1]);
            if (level < 1 || level > 12) throw new NumberFormatException();
            return new CompressionSpec(c, level);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid --compression '" + s + "': lz4hc level must be 1..12");
        }
    }
}
