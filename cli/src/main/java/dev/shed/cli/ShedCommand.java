package dev.shed.cli;

import dev.shed.cli.image.ImageCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The top-level {@code shed} command. */
@Command(name = "shed",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Keeps OCI images for microVM development environments: a deduplicated, content-addressed "
                + "store whose manifests are flattened into one read-only EROFS lower each.",
        subcommands = {
                ImageCommand.class,
                dev.shed.cli.erofs.ErofsCommand.class,
                dev.shed.cli.demo.DemoCommand.class,
                dev.shed.cli.shed.ShedCreateCommand.class,
                dev.shed.cli.shed.ShedLsCommand.class,
                dev.shed.cli.shed.ShedRmCommand.class,
                dev.shed.cli.shed.ShedStartCommand.class,
                dev.shed.cli.shed.ShedStopCommand.class,
                dev.shed.cli.shed.ShedExecCommand.class,
                dev.shed.cli.shed.ShedLogsCommand.class,
                dev.shed.cli.shed.ShedConsoleCommand.class,
                dev.shed.cli.shed.SnapshotCommand.class,
                dev.shed.cli.config.ConfigCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class ShedCommand implements Runnable {
    @Mixin
    GlobalOptions globals;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A fully configured command line: error handling, exit codes, case rules. */
    public static CommandLine commandLine() {
        GlobalOptions.reset();
        return configure(new CommandLine(new ShedCommand()));
    }

    /**
     * Error handling and exit codes for a shed command line (the full tree or one leaf, see FastDispatch). One
     * handler object, no lambdas: a lambda implementing picocli's (Java 5 class file) handler interfaces makes the
     * launcher's CDS dump link those interfaces, which excludes them and ErrorHandler from the archive.
     */
    static CommandLine configure(CommandLine cl) {
        ErrorHandler handler = new ErrorHandler();
        cl.setExecutionExceptionHandler(handler);
        cl.setExitCodeExceptionMapper(handler);
        cl.setParameterExceptionHandler(handler);
        return cl;
    }
}
