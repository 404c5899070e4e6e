package dev.shed.cli.image;

import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.cli.ShedException;
import dev.shed.cli.output.ProgressDisplay;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.image.ImageReader;
import dev.shed.core.cache.MaterializerSource;
import dev.shed.core.lifecycle.Lifecycle;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.output.FormatOption;
import dev.shed.core.json.Json;
import dev.shed.core.materialize.LowerRecord;
import dev.shed.core.materialize.MaterializeOptions;
import dev.shed.core.materialize.Materializer;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image materialize}: build (or reuse) a manifest's EROFS lower and print its path. */
@Command(name = "materialize", mixinStandardHelpOptions = true,
        description = {"Merge the image's layers (OCI whiteouts applied) into its read-only EROFS lower, "
                + "cache/sha256/<manifest-hex>.erofs, and print the lower's path (one line on stdout).",
                "With --layout shared the lower is a small metadata image over per-layer data devices "
                + "(cache/layers/sha256/*.erofsdev, shared by every image with that layer): the image path is printed "
                + "first, then each device on its own line, in mount order (-o device=DEV1,device=DEV2...).",
                "A lower that exists and was built with the same parameters is reused; one built with other "
                + "parameters is rebuilt. Concurrent calls build it once."},
        footer = {"", "Examples:", "  shed image materialize debian:bookworm",
                "  sudo mount -t erofs -o loop,ro \"$(shed image materialize debian:bookworm)\" /mnt",
                "  shed image materialize --layout shared --format json debian:bookworm",
                "  shed image materialize --compression lz4 --platform linux/arm64 ghcr.io/org/app:1.2"})
public final class ImageMaterializeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Image name or manifest/index digest.")
    String name;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Manifest to use from a multi-platform index (default: the only one present, else the host's).")
    String platform;

    @Option(names = "--compression", paramLabel = "none|lz4|lz4hc",
            description = "Data compression: lz4hc (smallest, slower to build), lz4 (faster build, larger), none "
                    + "(largest; no decompression on reads). Default: the store's materialize.compression, else lz4hc.")
    String compression;

    @Option(names = "--level", paramLabel = "N",
            description = "lz4hc level 1-12 (default " + dev.shed.erofs.Compression.LZ4HC_DEFAULT_LEVEL
                    + "): higher is smaller and slower to build; reads are unaffected.")
    Integer level;

    @Option(names = "--backend", paramLabel = "java|mkfs.erofs",
            description = "java (default unless the store's materialize.backend says otherwise): shed's own EROFS writer, streamed from the layer blobs, nothing extracted, "
                    + "identical bytes on every host. mkfs.erofs: extract the merged tree to a temp directory and run "
                    + "the host's mkfs.erofs (erofs-utils); needs root to keep owners, devices and xattrs.")
    String backend;

    @Option(names = "--layout", paramLabel = "flat|shared",
            description = "flat: one self-contained image. shared: a metadata image whose file data lives in per-layer "
                    + "data devices, stored once for every image that has the layer (Linux 5.16+ to mount). "
                    + "Default: the store's materialize.layout, else " + "flat" + ".")
    String layout;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @CommandLine.Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // -1 is MaterializeOptions' "default level" marker: from the command line it is just out of range
        if (level != null && (level < 1 || level > 12)) {
            throw new ShedException(ExitCodes.USAGE, "invalid --level " + level + ": lz4hc levels are 1..12 (lz4 and none take no level)");
        }
        Store store = GlobalOptions.openStore();
        MaterializeOptions options = new ConfigFile(store).load().materialize();
        if (compression != null) options = options.withCompression(MaterializeOptions.Compression.parse(compression));
        if (backend != null) options = options.withBackend(MaterializeOptions.Backend.parse(backend));
        if (level != null) options = options.withLevel(level);
        if (layout != null) options = options.withLayout(MaterializeOptions.Layout.parse(layout));
        ImageReader reader = new ImageReader(store);
        Manifest manifest = reader.select(reader.resolve(name), platform == null ? null : Platform.parse(platform));
        PrintWriter out = spec.commandLine().getOut();
        Path lower;
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(spec.commandLine().getErr(), quiet)) {
            Materializer materializer = new Materializer(store, options, progress);
            lower = Lifecycle.open(store, new MaterializerSource(materializer)).lowers().ensure(manifest.digest());
        }
        LowerRecord record = LowerRecord.read(store.layout(), manifest.digest());
        List<LowerRecord.Device> devices = record == null ? List.of() : record.devices();
        List<Path> devicePaths = record == null ? List.of() : record.devicePaths(store.layout());
        if (format.json()) {
            ObjectNode o = Json.object();
            o.put("manifest", manifest.digest().toString());
            o.put("layout", record == null ? options.layout().cliName() : record.layout());
            o.put("path", lower.toString());
            o.put("size", java.nio.file.Files.size(lower));
            ArrayNode devs = o.putArray("devices");
            for (int i = 0; i < devices.size(); i++) {
                LowerRecord.Device d = devices.get(i);
                ObjectNode x = devs.addObject();
                x.put("layer", d.layer().toString());
                x.put("path", devicePaths.get(i).toString());
                x.put("blocks", d.blocks());
                x.put("size", d.blocks() * 4096);
            }
            out.println(Json.pretty(o));
        } else {
            out.println(lower);
            for (Path d : devicePaths) out.println(d);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
