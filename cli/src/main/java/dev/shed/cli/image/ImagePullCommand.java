package dev.shed.cli.image;

import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.cli.ShedException;
import dev.shed.cli.output.ProgressDisplay;
import dev.shed.core.oci.Platform;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.oci.Reference;
import dev.shed.core.store.Store;
import dev.shed.registry.http.RegistryResponseException;
import dev.shed.registry.http.TlsRejectedException;
import dev.shed.registry.pull.ImagePuller;
import dev.shed.core.image.ImageLimits;
import dev.shed.registry.pull.PullRequest;
import dev.shed.registry.pull.PullResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image pull NAME}: fetch an image from a registry into the store, byte for byte. */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Pull an image from any OCI/Docker registry into the store.",
                "Manifests and blobs are stored exactly as served (verified against their digests); an interrupted "
                        + "pull resumes where it stopped. The name is written only when everything is present.",
                "For a multi-platform index, the index and the chosen platform's manifest are stored and the name "
                        + "points at the index, so a later push sends the same digest."},
        footer = {"", "Examples:", "  shed image pull debian:bookworm", "  shed image pull --platform linux/arm64 ghcr.io/org/app:1.2",
                "  echo $TOKEN | shed image pull -u me --password-stdin registry.example.com/team/app@sha256:…"})
public final class ImagePullCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Image reference: [REGISTRY/]REPOSITORY[:TAG|@DIGEST].")
    String name;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Platform to pull from a multi-platform index (default: the host's).")
    String platform;

    @Option(names = "--all-platforms", description = "Pull every platform of a multi-platform index.")
    boolean allPlatforms;

    @Option(names = "--max-layers", paramLabel = "N",
            description = "Refuse images with more than N layers (default: " + ImageLimits.DEFAULT_MAX_LAYERS + ", the MaxLayers limit).")
    Integer maxLayers;

    @Option(names = {"-q", "--quiet"}, description = "Print only the pulled name with its digest.")
    boolean quiet;

    @Mixin
    RegistryFlags registry;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (platform != null && allPlatforms) throw new IllegalArgumentException("--platform and --all-platforms exclude each other");
        PullRequest request = new PullRequest(Reference.parse(name), platform == null ? null : Platform.parse(platform), allPlatforms,
                ImageLimits.of(maxLayers));
        Store store = GlobalOptions.openStore();
        PrintWriter out = spec.commandLine().getOut();
        PullResult result;
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(out, quiet);
             ImagePuller puller = new ImagePuller(store, registry.options(new ConfigFile(store).load()), registry.credentials(), progress)) {
            result = puller.pull(request);
        } catch (RegistryResponseException | TlsRejectedException e) {
            throw new ShedException(ExitCodes.FAILURE, "pull " + name + ": " + e.getMessage());
        }
        if (quiet) out.println(withDigest(result.name(), result.target().digest().toString()));
        out.flush();
        return ExitCodes.OK;
    }

    static String withDigest(String name, String digest) {
        return name.contains("@") ? name : name + "@" + digest;
    }
}
