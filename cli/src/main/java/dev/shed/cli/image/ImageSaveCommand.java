package dev.shed.cli.image;

import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.core.image.ArchiveExporter;
import dev.shed.core.store.OutputTarget;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image save NAME... -o FILE}. */
@Command(name = "save", mixinStandardHelpOptions = true,
        description = "Write images to an OCI image layout tar (oci-layout, index.json with a ref.name per image, blobs). "
                + "The archive is deterministic: the same images always give the same bytes. Read it back with 'shed image load'.")
public final class ImageSaveCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Images to save.")
    List<String> names;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "Archive to write: a file is replaced atomically (temp file beside it, renamed into place); a "
                    + "FIFO or character device (/dev/null) is written into, never replaced. The directory must exist.")
    Path output;

    @Option(names = OutputTarget.BLOCK_DEVICE_FLAG,
            description = "Allow FILE to be a block device: the archive overwrites the device from its first byte.")
    boolean writeBlockDevice;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (OutputTarget target = OutputTarget.open(output, writeBlockDevice)) {
            new ArchiveExporter(GlobalOptions.openStore()).save(names, target);
        }
        return ExitCodes.OK;
    }
}
