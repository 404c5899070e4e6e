package dev.shed.cli.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.ExitCodes;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.shed.Lifecycles;
import dev.shed.core.gc.StoreVerifier;
import dev.shed.core.json.Json;
import dev.shed.cli.GlobalOptions;
import dev.shed.cli.output.ProgressDisplay;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.image.ImageReader;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.Store;
import dev.shed.core.vm.VmSettings;
import dev.shed.core.vm.harness.BootVerifier;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shed image verify}: check the store's invariants from its files. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the store: index.json and oci-layout parse, every blob file is complete and hashes to its name,",
                "every named image, shed and snapshot reaches only blobs that exist. Exit 1 and one line per problem otherwise.",
                "With NAME --boot: boot a throwaway VM on NAME's lower (read-only), list every entry inside the guest and compare",
                "it with the tree the flattener computes from the layer tars; prints 'N entries, M differences' and each one."})
public final class ImageVerifyCommand implements Callable<Integer> {
    @Mixin
    FormatOption format;

    @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Image to check with --boot.")
    String name;

    @CommandLine.Option(names = "--boot", description = "Compare NAME's lower, as a guest kernel sees it, with its layers.")
    boolean boot;

    @CommandLine.Option(names = "--lower", paramLabel = "FILE",
            description = "With --boot: check this EROFS image instead of NAME's cached lower (e.g. one built by mkfs.erofs).")
    java.nio.file.Path lowerFile;

    @CommandLine.Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "With --boot: the platform of a multi-platform NAME.")
    String platform;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (boot) return bootCheck();
        if (name != null || lowerFile != null) throw new IllegalArgumentException("NAME and --lower go with --boot");
        Lifecycle lc = Lifecycles.open();
        StoreVerifier.Result r = lc.verifier().verify();
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode o = Json.object();
            o.put("ok", r.ok());
            o.put("images", r.images());
            o.put("pins", r.pins());
            o.put("blobsChecked", r.blobsChecked());
            r.problems().forEach(o.putArray("problems")::add);
            out.println(Json.pretty(o));
        } else {
            for (String p : r.problems()) out.println("problem: " + p);
            out.println((r.ok() ? "OK: " : "FAILED: ") + r.images() + " index entries, " + r.pins() + " shed/snapshot pins, "
                    + r.blobsChecked() + " blobs checked" + (r.ok() ? "" : ", " + r.problems().size() + " problems"));
        }
        out.flush();
        return r.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private int bootCheck() throws Exception {
        if (name == null) throw new IllegalArgumentException("--boot needs an image NAME");
        Store store = GlobalOptions.openStore();
        ImageReader reader = new ImageReader(store);
        Manifest manifest = reader.select(reader.resolve(name), platform == null ? null : Platform.parse(platform));
        java.nio.file.Path lower = lowerFile;
        java.util.List<java.nio.file.Path> devices = java.util.List.of();
        if (lower == null) {
            try (ProgressDisplay progress = ProgressDisplay.forTerminal(spec.commandLine().getErr(), false)) {
                dev.shed.core.materialize.Lower l = Lifecycles.open(progress).lowers().ensureLower(manifest.digest());
                lower = l.path();
                devices = l.devices();
            }
        } else if (!java.nio.file.Files.isRegularFile(lower)) {
            throw new IllegalArgumentException("--lower " + lower + ": no such file");
        }
        PrintWriter err = spec.commandLine().getErr();
        BootVerifier.Report r = new BootVerifier(store, VmSettings.load(new ConfigFile(store)), w -> {
            err.println("shed: " + w);
            err.flush();
        }).verify(manifest.digest(), lower, devices);
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode o = Json.object();
            o.put("image", name);
            o.put("manifest", manifest.digest().toString());
            o.put("lower", lower.toString());
            o.put("entries", r.entries());
            r.differences().forEach(o.putArray("differences")::add);
            out.println(Json.pretty(o));
        } else {
            for (String d : r.differences()) out.println(d);
            out.println(r.entries() + " entries, " + r.differences().size() + " differences");
        }
        out.flush();
        return r.differences().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
