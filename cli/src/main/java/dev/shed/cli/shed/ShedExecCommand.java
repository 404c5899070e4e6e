package dev.shed.cli.shed;

import dev.shed.cli.GlobalOptions;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.shed.Shed;
import dev.shed.core.store.Store;
import dev.shed.core.vm.ExecRequest.TerminalSize;
import dev.shed.core.vm.VmExec;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed exec NAME [-i] [-t] [-u USER] [--workdir D] [-e K=V] -- CMD ARGS…}. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run a command in a running vm shed, in its image's root with the image config's Env, WorkingDir and User.",
                "stdout and stderr stream separately (merged with -t).",
                "The exit code is the command's: 126 when it cannot run (e.g. an unknown user), 127 when it is not found.",
                "Put -- before the command: shed exec dev -- ls -la /", "An interactive shell: shed exec -it dev -- sh"})
public final class ShedExecCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
    List<String> command = new ArrayList<>();

    @Option(names = {"-i", "--interactive"}, description = "Stream shed's stdin to the command; its end reaches the command as EOF. "
            + "Without -i the command's stdin is /dev/null.")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "Give the command a terminal in the guest (its controlling tty: job control, ^C), "
            + "sized as shed's terminal (else 24x80) and resized with it, TERM=xterm unless Env sets it; stdout and stderr come "
            + "merged through it; if shed is killed, the command's session is hung up. "
            + "With -i, stdin must be a terminal, put in raw mode while the command runs (else exit 2: use -i alone to pipe input).")
    boolean tty;

    @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "Run as this user instead of the image config's User "
            + "(default root): a name or uid, optionally :group or :gid, looked up in the shed's /etc/passwd and /etc/group "
            + "(a uid need not be there); supplementary groups from /etc/group; HOME from /etc/passwd unless Env sets it.")
    String user;

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory (relative: to the image's WorkingDir).")
    String workdir;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "Set an environment variable (repeatable; overrides the image's Env).")
    List<String> env = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (command.isEmpty()) throw new IllegalArgumentException("shed exec " + name + ": no command (shed exec NAME -- CMD ARGS...)");
        Optional<HostTerminal> terminal = tty && interactive ? HostTerminal.onStdin() : Optional.empty();
        if (tty && interactive && terminal.isEmpty()) {
            throw new IllegalArgumentException("shed exec -it: stdin is not a terminal (the input device is not a TTY); use -i without -t to pipe input");
        }
        TerminalSize size = tty ? HostTerminal.size() : null;
        Store store = GlobalOptions.openStore();
        VmExec exec = new VmExec(store, Lifecycle.catalog(store));
        Shed shed = exec.running(name); // a stopped or unknown shed fails before the terminal goes raw
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        // raw descriptors: the command's bytes reach the caller unchanged and unbuffered
        InputStream in = interactive ? new FileInputStream(FileDescriptor.in) : null;
        try (FileOutputStream out = new FileOutputStream(FileDescriptor.out); FileOutputStream err = new FileOutputStream(FileDescriptor.err)) {
            if (terminal.isPresent()) terminal.get().raw();
            try {
                VmExec.Options options = new VmExec.Options(env, workdir, user, size, tty ? HostTerminal.resizes() : null);
                return exec.exec(shed, command, options, in, out, err);
            } finally {
                if (terminal.isPresent()) terminal.get().close();
            }
        }
    }
}
