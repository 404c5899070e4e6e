package dev.shed.cli.shed;

import dev.shed.cli.output.ProgressDisplay;
import dev.shed.core.lifecycle.Lifecycle;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shed start NAME}. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Start a shed: mount its erofs lower read-only (loop) and an overlay with its upper dir; prints the rootfs path.",
                "An evicted lower is rebuilt first. Needs root on Linux. Starting a running shed prints its rootfs."})
public final class ShedStartCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        java.nio.file.Path rootfs;
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(spec.commandLine().getErr(), false)) {
            Lifecycle lc = Lifecycles.open(progress);
            rootfs = lc.sheds().start(name);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(rootfs);
        out.flush();
        return 0;
    }
}
