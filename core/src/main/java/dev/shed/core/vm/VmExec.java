package dev.shed.core.vm;

import dev.shed.core.shed.Shed;
import dev.shed.core.shed.ShedCatalog;
import dev.shed.core.shed.ShedConflictException;
import dev.shed.core.shed.ShedNotFoundException;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * {@code shed exec}: runs a command in a running VM shed's root with its image's Env, WorkingDir and User. Calls on one
 * shed take turns ({@code exec-<name>} lock): the guest serves one command at a time.
 */
public final class VmExec {
    private final Store store;
    private final ShedCatalog catalog;

    public VmExec(Store store, ShedCatalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    /**
     * What a call asks beyond its command.
     *
     * @param env     {@code K=V} overrides of the image's Env
     * @param workdir working directory (relative: to the image's WorkingDir), or null
     * @param user    {@code USER[:GROUP]} overriding the image's User, or null
     * @param tty     a terminal of this size for the command, or null
     * @param resizes the terminal's later sizes
     */
    public record Options(List<String> env, String workdir, String user, ExecRequest.TerminalSize tty, TerminalResizes resizes) {
        public Options {
            env = List.copyOf(env);
            if (resizes == null) resizes = TerminalResizes.NONE;
        }

        public Options(List<String> env, String workdir, String user, ExecRequest.TerminalSize tty) {
            this(env, workdir, user, tty, TerminalResizes.NONE);
        }
    }

    /** Returns the command's exit code. {@code stdin}: streamed to the command, or null for none (/dev/null). */
    public int exec(String name, List<String> command, Options options, InputStream stdin, OutputStream stdout,
                    OutputStream stderr) throws IOException {
        return exec(running(name), command, options, stdin, stdout, stderr);
    }

    /** As {@link #exec(String, List, Options, InputStream, OutputStream, OutputStream)} for a shed {@link #running} returned. */
    public int exec(Shed shed, List<String> command, Options options, InputStream stdin, OutputStream stdout,
                    OutputStream stderr) throws IOException {
        String name = shed.name();
        ImageRuntimeConfig config = ImageRuntimeConfig.of(store.blobs(), shed.manifest());
        ExecRequest request = ExecRequest.of(command, config, options.env(), options.workdir(), options.user(),
                "shed " + name + " (image " + shed.image() + ")", options.tty());
        if (shed.vm().init()) throw new IllegalArgumentException("shed " + name + " runs the image's own init (--init); shed exec needs shed's init");
        try (FileLocks.Held lock = store.locks().exclusive("exec-" + name)) {
            return new ExecClient(VmFiles.of(catalog.paths(name).dataDir())).exec(request, stdin, stdout, stderr, options.resizes());
        }
    }

    /** The shed, which must be a running VM. */
    public Shed running(String name) throws IOException {
        Shed shed = catalog.shed(name).orElseThrow(() -> new ShedNotFoundException("no such shed: " + name));
        if (!shed.isVm()) {
            throw new IllegalArgumentException("shed " + name + " uses the mount runtime; its files are under the rootfs that shed start printed");
        }
        if (!catalog.isRunning(shed)) throw new ShedConflictException("shed " + name + " is not running (shed start " + name + ")");
        return shed;
    }
}
