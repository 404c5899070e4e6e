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
        description = {"Start a shed. Runtime vm: boot a QEMU microVM on its erofs lower and upper disk, return once shed exec works; prints NAME.",
                "Runtime mount: mount the lower read-only (loop) and an overlay with its upper dir (root); prints the rootfs path.",
                "An evicted lower is rebuilt first. Starting a running mount shed prints its rootfs; a running vm shed is an error (exit 4)."})
public final class ShedStartCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        java.nio.file.Path rootfs;
        boolean vm;
        try (ProgressDisplay progress = ProgressDisplay.forTerminal(spec.commandLine().getErr(), false)) {
            Lifecycle lc = Lifecycles.open(progress);
            rootfs = lc.sheds().start(name);
            vm = lc.catalog().shed(name).map(dev.shed.core.shed.Shed::isVm).orElse(false);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(vm ? name : rootfs);
        out.flush();
        return 0;
    }
}
