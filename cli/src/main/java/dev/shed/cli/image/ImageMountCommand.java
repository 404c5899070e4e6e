package dev.shed.cli.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.ExitCodes;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.output.ProgressDisplay;
import dev.shed.cli.shed.Lifecycles;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Platform;
import dev.shed.core.shed.ImageMount;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image mount NAME DIR}: the image's lower, read-only, on the host. */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = {"Mount the image's EROFS lower read-only at DIR (materializing it first when missing or stale) and print DIR.",
                "A shared lower's data devices are attached as read-only loop devices and passed as device= options; every loop",
                "detaches when DIR is unmounted. While mounted, prune and eviction leave the lower and its data devices alone.",
                "Undo with 'shed image umount DIR'. Needs root on Linux."},
        footer = {"", "Examples:", "  sudo shed image mount debian:bookworm /mnt/deb", "  sudo shed image umount /mnt/deb"})
public final class ImageMountCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Image name or manifest/index digest.")
    String name;

    @Parameters(index = "1", paramLabel = "DIR", description = "An existing directory to mount on.")
    Path dir;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Manifest to use from a multi-platform index (default: the only one present, else the host's).")
    String platform;

    @Option(names = {"-q", "--quiet"}, description = "No progress output while materializing.")
    boolean quiet;

    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ImageMount m;
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(spec.commandLine().getErr(), quiet || format.json())) {
            m = Lifecycles.open(progress).imageMounts().mount(name, platform == null ? null : Platform.parse(platform), dir);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(format.json() ? Json.pretty(json(m)) : m.dir().toString());
        out.flush();
        return ExitCodes.OK;
    }

    static ObjectNode json(ImageMount m) {
        ObjectNode o = Json.object();
        o.put("dir", m.dir().toString());
        o.put("image", m.image());
        o.put("manifest", m.manifest().toString());
        o.put("lower", m.lower().toString());
        var devices = o.putArray("devices");
        m.devices().forEach(d -> devices.add(d.toString()));
        return o;
    }
}
