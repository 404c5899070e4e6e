package dev.shed.cli.erofs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.ExitCodes;
import dev.shed.cli.ShedException;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.output.Sizes;
import dev.shed.core.json.Json;
import dev.shed.core.store.OutputTarget;
import dev.shed.erofs.ErofsImageStats;
import dev.shed.erofs.ErofsOptions;
import dev.shed.erofs.ErofsWriter;
import dev.shed.erofs.source.DirectorySource;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed erofs build SRC OUT}: one EROFS image from a directory or a tar, like {@code mkfs.erofs}. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Write an EROFS image from a directory or a tar (plain, gzip or zstd).",
                "The image is written to a temp file beside OUT and renamed into place when complete; a FIFO or "
                        + "character device (/dev/null) is written into, never replaced (the image is built in "
                        + "$TMPDIR first).",
                "Directories are read as they are on disk (owners, modes, mtimes, symlinks, hardlinks, devices, "
                        + "fifos, user.* xattrs); tars keep everything their headers carry (PAX xattrs too)."})
public final class ErofsBuildCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SRC", description = "Source directory or tar file.")
    Path source;

    @Parameters(index = "1", paramLabel = "OUT", description = "Image file to write (replaced if it exists; its directory must exist).")
    Path output;

    @Option(names = OutputTarget.BLOCK_DEVICE_FLAG,
            description = "Allow OUT to be a block device: the image overwrites the device from its first byte.")
    boolean writeBlockDevice;

    @Option(names = {"-z", "--compression"}, paramLabel = "ALG", defaultValue = "lz4hc",
            description = {"none, lz4 or lz4hc[,LEVEL] (default: ${DEFAULT-VALUE}, level " + dev.shed.erofs.Compression.LZ4HC_DEFAULT_LEVEL
                            + "; levels 1-12 mean what they mean to liblz4 and mkfs.erofs -zlz4hc,LEVEL).",
                    "none: fastest to build, largest, no decompression cost on read.",
                    "lz4: fast build, ~0.45-0.5x of the data for text-like content.",
                    "lz4hc: slower build (level 12 slowest), ~10-25%% smaller than lz4; reads decompress as fast as lz4."})
    String compression;

    @Option(names = "--pcluster", paramLabel = "BYTES", defaultValue = "4096",
            description = {"Largest physical cluster: compressed data is cut into units of up to this many output "
                    + "bytes, a multiple of 4096 up to 1 MiB (default: ${DEFAULT-VALUE}, one block).",
                    "Bigger clusters compress better (64 KiB: ~13%% smaller data on a Debian /usr/lib) but every "
                    + "random read decompresses a whole cluster, and building is slower. Needs Linux 5.13+; "
                    + "implies --full-indexes."})
    int pcluster;

    @Option(names = "--full-indexes",
            description = {"Write compressed files' lcluster indexes in the full form (8 bytes per 4 KiB) instead of the "
                    + "compact one (2-4 bytes, the default, as mkfs.erofs).",
                    "Only needed for Linux older than 5.3; costs ~0.2%% of image size."})
    boolean fullIndexes;

    @Option(names = "--uuid", paramLabel = "HEX",
            description = "Fixed volume UUID (32 hex digits). Default: derived from the content, so equal input gives equal bytes.")
    String uuid;

    @Option(names = {"-T", "--build-time"}, paramLabel = "SECONDS", defaultValue = "0",
            description = "Superblock build time, seconds since the epoch (default: ${DEFAULT-VALUE}: reproducible images).")
    long buildTime;

    @Option(names = "--threads", paramLabel = "N",
            description = "Compression threads (default: the number of CPUs).")
    Integer threads;

    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(source)) throw new ShedException(ExitCodes.FAILURE, "no such file or directory: " + source);
        CompressionSpec cs = CompressionSpec.parse(compression);
        ErofsOptions.Builder b = ErofsOptions.builder().compression(cs.compression()).level(cs.level())
                .pclusterSize(pcluster).buildTime(buildTime).compactIndexes(!fullIndexes);
        if (uuid != null) b.uuid(parseUuid(uuid));
        if (threads != null) b.threads(threads);
        ErofsOptions options = b.build();

        long start = System.nanoTime();
        ErofsImageStats stats;
        try (OutputTarget target = OutputTarget.open(output, writeBlockDevice)) {
            ErofsWriter writer = ErofsWriter.create(target.seekableFile(), options);
            try (writer) {
                if (Files.isDirectory(source)) new DirectorySource(source).writeTo(writer);
                else new TarSource(source).writeTo(writer);
            }
            stats = writer.stats();
            target.commit();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        print(stats, seconds);
        return ExitCodes.OK;
    }

    private void print(ErofsImageStats s, double seconds) {
        PrintWriter out = spec.commandLine().getOut();
        double mbps = s.fileBytes() / 1e6 / Math.max(seconds, 1e-9);
        if (format.json()) {
            ObjectNode o = Json.object();
            o.put("image", output.toAbsolutePath().toString());
            o.put("imageBytes", s.imageBytes());
            o.put("fileBytes", s.fileBytes());
            o.put("inodes", s.inodes());
            o.put("directories", s.directories());
            o.put("regularFiles", s.regularFiles());
            o.put("compressedFiles", s.compressedFiles());
            o.put("uuid", s.uuid());
            o.put("seconds", seconds);
            o.put("megabytesPerSecond", mbps);
            out.println(Json.pretty(o));
        } else {
            out.printf(Locale.ROOT, "%s: %d inodes, %s of file data in %s (%.2fx) in %.2fs, %.1f MB/s%n",
                    output, s.inodes(), Sizes.human(s.fileBytes()), Sizes.human(s.imageBytes()),
                    s.fileBytes() == 0 ? 0.0 : (double) s.imageBytes() / s.fileBytes(), seconds, mbps);
        }
        out.flush();
    }

    private static byte[] parseUuid(String hex) {
        String h = hex.replace("-", "");
        try {
            byte[] b = HexFormat.of().parseHex(h);
            if (b.length == 16) return b;
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("invalid --uuid '" + hex + "': expected 32 hex digits");
    }
}
