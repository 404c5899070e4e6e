package dev.shed.cli.shed;

import dev.shed.cli.GlobalOptions;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.shed.Shed;
import dev.shed.core.shed.ShedCatalog;
import dev.shed.core.store.Store;
import dev.shed.core.vm.ExecClient;
import dev.shed.core.vm.VmExec;
import dev.shed.core.vm.VmFiles;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shed console NAME}. */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Attach to a running vm shed's serial console (a shell in the image when it has /bin/sh).",
                "Detach with Ctrl-]. On a terminal, input is passed through raw."})
public final class ShedConsoleCommand implements Callable<Integer> {
    private static final int DETACH = 0x1d; // Ctrl-]

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Store store = GlobalOptions.openStore();
        ShedCatalog catalog = Lifecycle.catalog(store); // the shed records only: console needs no lowers or config
        Shed shed = new VmExec(store, catalog).running(name);
        VmFiles files = VmFiles.of(catalog.paths(shed.name()).dataDir());
        java.util.Optional<HostTerminal> terminal = HostTerminal.onStdin();
        spec.commandLine().getErr().println("Attached to " + name + "'s console; Ctrl-] detaches.");
        spec.commandLine().getErr().flush();
        if (terminal.isPresent()) terminal.get().raw();
        try (SocketChannel ch = ExecClient.connect(files.consoleSocket())) {
            Thread reader = new Thread(() -> {
                FileOutputStream out = new FileOutputStream(FileDescriptor.out);
                ByteBuffer b = ByteBuffer.allocate(8192);
                try {
                    while (ch.read(b.clear()) > 0) {
                        out.write(b.array(), 0, b.position());
                        out.flush();
                    }
                } catch (IOException closed) {
                    // detached or the VM stopped
                }
            }, "shed-console");
            reader.setDaemon(true);
            reader.start();
            FileInputStream in = new FileInputStream(FileDescriptor.in);
            byte[] buf = new byte[1024];
            int n;
            outer:
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) if (buf[i] == DETACH) {
                    if (i > 0) ch.write(ByteBuffer.wrap(buf, 0, i));
                    break outer;
                }
                ch.write(ByteBuffer.wrap(buf, 0, n));
            }
        } finally {
            if (terminal.isPresent()) terminal.get().close();
        }
        return 0;
    }
}
