package dev.shed.cli.shed;

import dev.shed.cli.output.ProgressDisplay;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.oci.Platform;
import dev.shed.cli.output.Sizes;
import dev.shed.core.config.ByteSizes;
import dev.shed.core.shed.Shed;
import dev.shed.core.shed.ShedManager;
import dev.shed.core.shed.VmSpec;
import dev.shed.core.vm.PortMapping;
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
        description = {"Create a shed: pin the image's manifest and materialize its lower now, so the first start is boot-and-go.",
                "Runtime vm (the default) also makes its upper disk; runtime mount an upper dir.",
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

    @Option(names = "--runtime", paramLabel = "vm|mount",
            description = "How the shed runs: vm (a QEMU microVM) or mount (loop mount + overlay on the host). Default: the store's runtime setting (vm unless changed).")
    String runtime;

    @Option(names = "--upper-size", paramLabel = "SIZE",
            description = "vm: size of the shed's writable ext4 disk, a sparse file (default 8G; e.g. 512M, 20G).")
    String upperSize;

    @Option(names = {"-p", "--publish"}, paramLabel = "HOSTPORT:GUESTPORT",
            description = "vm: forward 127.0.0.1:HOSTPORT on the host to GUESTPORT in the guest (repeatable).")
    java.util.List<String> publish = new java.util.ArrayList<>();

    @Option(names = "--init",
            description = "vm: switch_root into the image's /sbin/init (systemd images) instead of shed's init; shed exec is then unavailable.")
    boolean init;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "When the image is pulled: PEM file of CA certificates to trust for its registry, besides the system's and the config's registries.ca-certs (repeatable; the registry is then reached over HTTPS).")
    List<Path> caCerts = List.of();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private ShedManager.CreateOptions options() {
        if (runtime != null && !runtime.equals(Shed.VM) && !runtime.equals(Shed.MOUNT)) {
            throw new IllegalArgumentException("--runtime " + runtime + ": expected vm or mount");
        }
        boolean vmFlags = upperSize != null || !publish.isEmpty() || init;
        if (vmFlags && Shed.MOUNT.equals(runtime)) {
            throw new IllegalArgumentException("--upper-size, --publish and --init are for the vm runtime, not mount");
        }
        for (String pm : publish) PortMapping.parse(pm);
        long size = upperSize == null ? ShedManager.DEFAULT_UPPER_SIZE : ByteSizes.parse(upperSize);
        if (size < (16L << 20)) throw new IllegalArgumentException("--upper-size " + upperSize + ": at least 16M");
        VmSpec vm = new VmSpec(size, publish, init);
        if (vmFlags && runtime == null) return new ShedManager.CreateOptions(Shed.VM, vm); // a vm flag picks the vm runtime
        return new ShedManager.CreateOptions(runtime, vm);
    }

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
            c = lc.sheds().create(name, image, p, fromSnapshot, options());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(c.shed().name());
        if (c.shed().isVm()) err.println("Runtime vm: upper disk " + Sizes.human(c.shed().vm().upperSize()) + " (sparse)");
        out.flush();
        err.println("Pinned " + c.shed().image() + " (" + c.shed().manifest() + "); lower ready: " + c.lower());
        err.flush();
        return 0;
    }
}
