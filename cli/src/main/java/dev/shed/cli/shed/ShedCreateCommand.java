package dev.shed.cli.shed;

import dev.shed.cli.output.ProgressDisplay;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.oci.Platform;
import dev.shed.core.shed.ShedManager;
import dev.shed.cli.image.RegistryFlags;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed create NAME --image REF}. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create a shed: pin the image's manifest and materialize its lower now, so the first start is mount-and-go.",
                "An image missing from the store is pulled when REF names a registry host (e.g. registry.local:5000/app:1);",
                "a bare name (full) must be in the store. Prints the shed's name."})
public final class ShedCreateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Shed name (letters, digits, '_', '.', '-').")
    String name;

    @Option(names = "--image", paramLabel = "REF", description = "Image name or manifest/index digest in the store.")
    String image;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Platform to pin when the image is a multi-platform index (default: the only one stored, else the host's).")
    String platform;

    @Option(names = "--from-snapshot", paramLabel = "SNAP",
            description = "Start from a snapshot: its manifest and a copy of its upper dir (instead of --image).")
    String fromSnapshot;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "When the image is pulled: PEM file of CA certificates to trust for its registry, besides the system's and the config's registries.ca-certs (repeatable; the registry is then reached over HTTPS).")
    List<Path> caCerts = List.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((image == null) == (fromSnapshot == null)) {
            throw new IllegalArgumentException("shed create " + name + ": give exactly one of --image REF or --from-snapshot SNAP");
        }
        Platform p = platform == null ? null : Platform.parse(platform);
        PrintWriter err = spec.commandLine().getErr();
        ShedManager.Created c;
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(err, false)) {
            Lifecycle lc = Lifecycles.open(progress, RegistryFlags.checkedCaFiles(caCerts));
            c = lc.sheds().create(name, image, p, fromSnapshot);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(c.shed().name());
        out.flush();
        err.println("Pinned " + c.shed().image() + " (" + c.shed().manifest() + "); lower ready: " + c.lower());
        err.flush();
        return 0;
    }
}
