package dev.shed.cli.image;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shed image …}: the image store. */
@Command(name = "image",
        mixinStandardHelpOptions = true,
        description = "Manage images in the store.",
        subcommands = {
                ImageLsCommand.class,
                ImageBuildCommand.class,
                ImageImportCommand.class,
                ImageLoadCommand.class,
                ImageSaveCommand.class,
                ImageInspectCommand.class,
                ImageHistoryCommand.class,
                ImageTagCommand.class,
                ImageKernelCommand.class,
                ImageRmCommand.class,
                ImagePullCommand.class,
                ImagePushCommand.class,
                ImagePruneCommand.class,
                ImageDfCommand.class,
                ImageVerifyCommand.class,
                ImageMaterializeCommand.class,
                ImageMountCommand.class,
                ImageUmountCommand.class,
                ImageExportCommand.class,
        })
public final class ImageCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
