package dev.shed.core.vm;

import dev.shed.core.config.ConfigFile;
import dev.shed.core.materialize.Lower;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.shed.Shed;
import dev.shed.core.shed.ShedConflictException;
import dev.shed.core.shed.ShedPaths;
import dev.shed.core.shed.ShedRunner;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs a shed as a QEMU microVM: disk {@code shed-lower} the read-only EROFS lower (plus one disk per data
 * device of a shared lower), disk {@code shed-upper} the shed's ext4 upper, shed's initrd whose init overlays
 * them and serves {@code shed exec} on virtio-serial ports. QEMU daemonizes, so the VM outlives the shed command;
 * its pid file, checked against /proc, is the running state. {@code start} returns once the guest's exec server
 * answered, or fails with the guest's own error line.
 */
public final class VmRunner implements ShedRunner {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Store store;
    private final Consumer<String> warnings;
    private VmSettings settings;

    /**
     * {@code warnings}: where one-line warnings go (TCG). The vm.* settings are read from the store's config when a
     * VM starts: asking whether one runs (shed exec, ls) needs none of them.
     */
    public VmRunner(Store store, Consumer<String> warnings) {
        this.store = store;
        this.warnings = warnings;
    }

    private VmSettings settings() throws IOException {
        if (settings == null) settings = VmSettings.load(new ConfigFile(store).snapshot());
        return settings;
    }

    public static Duration bootTimeout(Accel accel) {
        String s = System.getenv("SHED_VM_BOOT_TIMEOUT");
        if (s != null && s.matches("\\d+")) return Duration.ofSeconds(Long.parseLong(s));
        return accel == Accel.KVM ? Duration.ofSeconds(60) : Duration.ofSeconds(300);
    }

    @Override
    public void prepare(Shed shed, ShedPaths paths) throws IOException {
        if (!Files.exists(paths.upperDisk())) UpperDisk.create(paths.upperDisk(), shed.vm().upperSize());
    }

    @Override
    public Path start(Shed shed, ShedPaths paths, Path lower) throws IOException {
        return start(shed, paths, lower, List.of());
    }

    /** A shared lower's data devices become disks shed-dev0…N-1, mounted by the guest in table order. */
    @Override
    public Path start(Shed shed, ShedPaths paths, Lower lower) throws IOException {
        return start(shed, paths, lower.path(), lower.devices());
    }

    private Path start(Shed shed, ShedPaths paths, Path lower, List<Path> devices) throws IOException {
        VmFiles f = VmFiles.of(paths.dataDir());
        if (VmProcess.find(f.pidFile()).isPresent()) throw new ShedConflictException("shed " + shed.name() + " is already running");
        if (!Files.isRegularFile(paths.upperDisk())) {
            throw new IOException("shed " + shed.name() + ": its upper disk " + paths.upperDisk() + " is missing");
        }
        Files.createDirectories(f.dir());
        Files.createDirectories(f.sockets());
        cleanRuntimeFiles(f);
        Files.deleteIfExists(f.consoleLog());

        GuestArch arch = GuestArch.ofImage(store.blobs(), shed.manifest());
        GuestKernel kernel = new KernelLocator(store.blobs(), settings().forArch(arch)).locate(manifest(shed.manifest()).annotations());
        List<PortMapping> publish = new ArrayList<>();
        for (String p : shed.vm().publish()) publish.add(PortMapping.parse(p));
        Path initrd = new BootFiles(settings().forArch(arch), initrdCache()).initrd(kernel, !publish.isEmpty(), false);

        List<VmLaunch.Disk> disks = new ArrayList<>();
        disks.add(new VmLaunch.Disk(lower, "shed-lower", true));
        for (int i = 0; i < devices.size(); i++) disks.add(new VmLaunch.Disk(devices.get(i), "shed-dev" + i, true));
        disks.add(new VmLaunch.Disk(paths.upperDisk(), "shed-upper", false));
        Accel accel = arch.accel();
        if (arch.warning(accel) != null) warnings.accept(arch.warning(accel));
        VmLaunch launch = new VmLaunch("shed-" + shed.name(), kernel.kernel(), initrd,
                List.of("shed.mode=" + (shed.vm().init() ? "init" : "exec"), "shed.devices=" + devices.size(), "shed.upper=1",
                        "shed.net=" + (publish.isEmpty() ? 0 : 1)),
                settings().memoryBytes(), disks,
                List.of(VmLaunch.Port.socket("shed.ctl", f.controlSocket()), VmLaunch.Port.socket("shed.out", f.stdoutSocket()),
                        VmLaunch.Port.socket("shed.err", f.stderrSocket()), VmLaunch.Port.socket("shed.in", f.stdinSocket()),
                        VmLaunch.Port.terminal("shed.tty", f.terminalSocket())),
                new VmLaunch.Console(f.consoleSocket(), f.consoleLog()), publish, f.pidFile(), accel, arch);
        HostCommand.run(QemuCommand.of(launch, true), 60);
        ProcessHandle qemu = VmProcess.find(f.pidFile())
                .orElseThrow(() -> new IOException("shed start " + shed.name() + ": QEMU exited right after starting; " + guestError(f)));
        if (shed.vm().init()) return f.consoleLog(); // the image's own init: no exec server to wait for
        try {
            awaitReady(f, qemu, bootTimeout(accel));
        } catch (IOException e) {
            VmProcess.kill(qemu, Duration.ofSeconds(5));
            throw new IOException("shed start " + shed.name() + ": " + e.getMessage());
        }
        return f.consoleLog();
    }

    private static void awaitReady(VmFiles f, ProcessHandle qemu, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel ctl = null;
        while (ctl == null) {
            if (!qemu.isAlive()) throw new IOException("the VM stopped while booting: " + guestError(f));
            try {
                ctl = ExecClient.connect(f.controlSocket());
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) throw new IOException("the VM's control socket never opened");
                sleep();
            }
        }
        try (SocketChannel c = ctl) {
            ExecClient.awaitReady(c, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (IOException e) {
            if (VmProcess.awaitExit(qemu, Duration.ofSeconds(5))) throw new IOException("the VM stopped while booting: " + guestError(f));
            throw new IOException("the guest did not come up within " + timeout.toSeconds() + "s (" + e.getMessage() + "); see shed logs");
        }
    }

    /** The guest's own account of a failed boot: the last shed-init error, kernel panic or QEMU line in the log. */
    static String guestError(VmFiles f) {
        List<String> lines;
        try {
            lines = Files.readAllLines(f.consoleLog(), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "no console log";
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).strip();
            int at = l.indexOf("shed-init: error: ");
            if (at >= 0) return "guest: " + l.substring(at + "shed-init: error: ".length());
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).strip();
            if (l.contains("Kernel panic") || l.contains("VFS:")) return "guest: " + l;
        }
        return "see " + f.consoleLog();
    }

    @Override
    public void stop(Shed shed, ShedPaths paths) throws IOException {
        VmFiles f = VmFiles.of(paths.dataDir());
        Optional<ProcessHandle> qemu = VmProcess.find(f.pidFile());
        if (qemu.isPresent()) {
            boolean acknowledged = false;
            if (shed.vm() == null || !shed.vm().init()) { // the image's own init does not speak shed's protocol
                try {
                    new ExecClient(f).powerOff(STOP_TIMEOUT);
                    acknowledged = true;
                } catch (IOException noAnswer) {
                    // a hung guest: killed below
                }
            }
            if (!acknowledged || !VmProcess.awaitExit(qemu.get(), STOP_TIMEOUT)) VmProcess.kill(qemu.get(), Duration.ofSeconds(5));
        }
        cleanRuntimeFiles(f);
    }

    @Override
    public boolean isRunning(Shed shed, ShedPaths paths) {
        return VmProcess.isRunning(VmFiles.of(paths.dataDir()).pidFile());
    }

    @Override
    public Path whenRunning(Shed shed, ShedPaths paths) throws IOException {
        throw new ShedConflictException("shed " + shed.name() + " is already running");
    }

    private Manifest manifest(Digest d) throws IOException {
        return Manifest.parse(store.blobs().read(d), null);
    }

    private Path initrdCache() {
        return store.layout().initrdCacheDir();
    }

    private static void cleanRuntimeFiles(VmFiles f) throws IOException {
        for (Path p : List.of(f.pidFile(), f.controlSocket(), f.stdoutSocket(), f.stderrSocket(), f.stdinSocket(),
                f.terminalSocket(), f.consoleSocket())) {
            Files.deleteIfExists(p);
        }
        if (!f.sockets().equals(f.dir())) {
            try {
                Files.deleteIfExists(f.sockets());
            } catch (IOException notEmpty) {
                // someone else's file: leave it
            }
        }
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
