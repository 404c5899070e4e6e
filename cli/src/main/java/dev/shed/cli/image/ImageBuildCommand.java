package dev.shed.cli.image;

import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.cli.ShedException;
import dev.shed.cli.output.ProgressDisplay;
import dev.shed.core.image.ArchiveImporter;
import dev.shed.core.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shed image build --from-oci-archive PATH}: the docker-free build path. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Store the image(s) of an archive built elsewhere (podman, buildah, nix, umoci, docker buildx -o type=oci, docker save).",
                "PATH is an OCI image layout directory, an OCI layout tar (optionally gzip/zstd compressed) or a docker save tar. "
                        + "Every blob is verified against its digest and size before any name is written. "
                        + "Names come from --tag, else from each entry's io.containerd.image.name or org.opencontainers.image.ref.name "
                        + "annotation (a bare word like 'full' or 'v1' is a short name: docker.io/library/full:latest) or docker save's RepoTags."})
public final class ImageBuildCommand implements Callable<Integer> {
    @Option(names = "--from-oci-archive", paramLabel = "PATH", required = true,
            description = "OCI layout (dir or tar) or docker save archive to store.")
    Path archive;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME", description = "Name for the image (the archive must then hold one image, or pick it with --image).")
    String tag;

    @Option(names = "--image", paramLabel = "NAME", description = "Only the archive's image with this name.")
    String image;

    @Mixin
    ImportOptions importOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return run(spec, archive, tag, image, importOptions);
    }

    /** Shared with {@code shed image load}: same code path, same output. */
    static int run(CommandLine.Model.CommandSpec spec, Path archive, String tag, String image, ImportOptions opts) throws Exception {
        if (tag != null) ArchiveImporter.normaliseTag(tag);
        Store store = GlobalOptions.openStore();
        List<ArchiveImporter.Imported> done;
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(spec.commandLine().getErr(), System.console() == null)) {
            ArchiveImporter importer = new ArchiveImporter(store, progress);
            done = importer.importFrom(archive, new ArchiveImporter.Options(tag, image, opts.platform(), opts.limits()));
        } catch (java.nio.file.NoSuchFileException e) {
            if (e.getFile() != null && Path.of(e.getFile()).equals(archive)) {
                throw new ShedException(ExitCodes.FAILURE, "no such file or directory: " + archive);
            }
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        for (ArchiveImporter.Imported i : done) out.println("Loaded image: " + i.name() + " (" + i.target().digest() + ")");
        out.flush();
        return ExitCodes.OK;
    }
}
