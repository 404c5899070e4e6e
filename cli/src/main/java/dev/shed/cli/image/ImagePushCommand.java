package dev.shed.cli.image;

import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.cli.ShedException;
import dev.shed.cli.output.ProgressDisplay;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.oci.Reference;
import dev.shed.core.store.Store;
import dev.shed.registry.http.RegistryResponseException;
import dev.shed.registry.http.TlsRejectedException;
import dev.shed.registry.push.ImagePusher;
import dev.shed.registry.push.PushResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image push NAME [DEST]}: send a stored image to a registry with its digest unchanged. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Push a stored image to a registry, byte for byte: the destination serves the same manifest digest.",
                "Blobs the registry already has are skipped; blobs in another repository of the same registry are mounted."},
        footer = {"", "Examples:", "  shed image push registry.example.com/team/app:1", "  shed image push full localhost:5000/shed/full:nightly"})
public final class ImagePushCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Stored image (name or digest).")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DEST",
            description = "Destination reference (default: NAME itself).")
    String destination;

    @Option(names = {"-q", "--quiet"}, description = "Print only the destination with its digest.")
    boolean quiet;

    @Mixin
    RegistryFlags registry;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (destination == null && source.startsWith("sha256:")) throw new IllegalArgumentException("pushing by digest needs a DEST reference");
        Reference dest = Reference.parse(destination != null ? destination : source);
        Store store = GlobalOptions.openStore();
        PrintWriter out = spec.commandLine().getOut();
        PushResult result;
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(out, quiet);
             ImagePusher pusher = new ImagePusher(store, registry.options(new ConfigFile(store).load()), registry.credentials(), progress)) {
            result = pusher.push(source, dest);
        } catch (RegistryResponseException | TlsRejectedException e) {
            throw new ShedException(ExitCodes.FAILURE, "push " + dest + ": " + e.getMessage());
        }
        if (quiet) out.println(ImagePullCommand.withDigest(dest.toString(), result.target().digest().toString()));
        out.flush();
        return ExitCodes.OK;
    }
}
