package dev.shed.cli.shed;

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
        Lifecycle lc = Lifecycles.open();
        PrintWriter out = spec.commandLine().getOut();
        out.println(lc.sheds().start(name));
        out.flush();
        return 0;
    }
}
