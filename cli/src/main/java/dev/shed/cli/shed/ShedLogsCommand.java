package dev.shed.cli.shed;

import dev.shed.cli.GlobalOptions;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.shed.Shed;
import dev.shed.core.shed.ShedCatalog;
import dev.shed.core.shed.ShedNotFoundException;
import dev.shed.core.vm.VmFiles;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed logs NAME}. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a vm shed's console log (kernel messages, init, the console shell) of its last boot.")
public final class ShedLogsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = {"-f", "--follow"}, description = "Keep printing what the console writes until the VM stops.")
    boolean follow;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ShedCatalog catalog = Lifecycle.catalog(GlobalOptions.openStore()); // the shed records only
        Shed shed = catalog.shed(name).orElseThrow(() -> new ShedNotFoundException("no such shed: " + name));
        if (!shed.isVm()) throw new IllegalArgumentException("shed " + name + " uses the mount runtime: it has no console");
        Path log = VmFiles.of(catalog.paths(name).dataDir()).consoleLog();
        if (!Files.exists(log)) return 0; // never booted
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        byte[] buf = new byte[64 << 10];
        try (InputStream in = Files.newInputStream(log)) {
            while (true) {
                int n = in.read(buf);
                if (n > 0) {
                    out.write(buf, 0, n);
                    continue;
                }
                if (!follow || !catalog.isRunning(shed)) break;
                Thread.sleep(200);
            }
        }
        out.flush();
        return 0;
    }
}
