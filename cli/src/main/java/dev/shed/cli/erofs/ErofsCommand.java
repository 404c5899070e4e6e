package dev.shed.cli.erofs;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code shed erofs …}: the standalone EROFS writer, usable without a store. */
@Command(name = "erofs",
        mixinStandardHelpOptions = true,
        description = "Use shed's EROFS writer directly (no store, no OCI): compare it with mkfs.erofs.",
        subcommands = {ErofsBuildCommand.class})
public final class ErofsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
