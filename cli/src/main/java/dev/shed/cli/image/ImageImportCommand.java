package dev.shed.cli.image;

import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.core.image.ArchiveImporter;
import dev.shed.core.image.RootfsImporter;
import dev.shed.core.oci.Platform;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image import ROOTFS --tag NAME}: a one-layer image, like docker import. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Make a one-layer image from a root filesystem, like 'docker import'.",
                "ROOTFS is a tar (plain, .gz or .zst; its entries are kept as they are) or a directory (read as it is on disk: "
                        + "owners, modes, symlinks, hardlinks, devices, fifos, user.* xattrs; sorted, so the same tree gives the same digest)."})
public final class ImageImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ROOTFS", description = "Tar file or directory.")
    Path rootfs;

    @Option(names = {"-t", "--tag"}, paramLabel = "NAME", required = true, description = "Name for the image.")
    String tag;

    @Option(names = "--created", paramLabel = "TIME",
            description = "Creation time for config and history (RFC 3339, e.g. 2024-01-02T03:04:05Z). Default: $SOURCE_DATE_EPOCH if set, else now.")
    String created;

    @Mixin
    ImportOptions importOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ArchiveImporter.normaliseTag(tag);
        Platform platform = importOptions.platform() != null ? importOptions.platform() : Platform.host();
        RootfsImporter importer = new RootfsImporter(GlobalOptions.openStore());
        ArchiveImporter.Imported done = importer.importRootfs(rootfs,
                new RootfsImporter.Options(tag, platform, createdTime(), importOptions.limits()));
        spec.commandLine().getOut().println("Imported image: " + done.name() + " (" + done.target().digest() + ")");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private Instant createdTime() {
        if (created != null) {
            try {
                return Instant.parse(created);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("invalid --created '" + created + "': expected RFC 3339 like 2024-01-02T03:04:05Z");
            }
        }
        String epoch = System.getenv("SOURCE_DATE_EPOCH");
        if (epoch != null && !epoch.isBlank()) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(epoch.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid SOURCE_DATE_EPOCH '" + epoch + "': expected seconds since 1970");
            }
        }
        return Instant.now();
    }
}
