package dev.shed.cli.shed;

import dev.shed.cli.GlobalOptions;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.vm.VmExec;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed exec NAME [--workdir D] [-e K=V] -- CMD ARGS…}. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a command in a running vm shed, in its image's root with the image config's Env and WorkingDir.",
                "stdout and stderr stream separately; the exit code is the command's (126/127 when it cannot run).",
                "Put -- before the command: shed exec dev -- ls -la /"})
public final class ShedExecCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
    List<String> command = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory (relative: to the image's WorkingDir).")
    String workdir;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable (repeatable; overrides the image's Env).")
    List<String> env = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (command.isEmpty()) throw new IllegalArgumentException("shed exec " + name + ": no command (shed exec NAME -- CMD ARGS...)");
        Lifecycle lc = Lifecycles.open();
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        // raw descriptors: the command's bytes reach the caller unchanged and unbuffered
        try (FileOutputStream out = new FileOutputStream(FileDescriptor.out); FileOutputStream err = new FileOutputStream(FileDescriptor.err)) {
            return new VmExec(GlobalOptions.openStore(), lc.catalog()).exec(name, command, env, workdir, out, err);
        }
    }
}
