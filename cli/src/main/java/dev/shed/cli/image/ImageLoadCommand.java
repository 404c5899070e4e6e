package dev.shed.cli.image;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shed image load -i FILE}: the reverse of save (same code as build --from-oci-archive). */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Store the images of an archive written by 'shed image save' (or any OCI layout tar/dir or docker save tar), under the names it carries.")
public final class ImageLoadCommand implements Callable<Integer> {
    @Option(names = {"-i", "--input"}, paramLabel = "FILE", required = true, description = "Archive to read.")
    Path input;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME", description = "Store the (single) image under this name instead.")
    String tag;

    @Option(names = "--image", paramLabel = "NAME", description = "Only the archive's image with this name.")
    String image;

    @Mixin
    ImportOptions importOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return ImageBuildCommand.run(spec, input, tag, image, importOptions);
    }
}
