package dev.shed.core.shed;

import java.io.IOException;
import java.nio.file.Path;

/** Runs each shed with the runner of its own runtime ({@link Shed#runtime()}): host mounts or a microVM. */
public final class RuntimeRunner implements ShedRunner {
    private final ShedRunner mount;
    private final ShedRunner vm;

    public RuntimeRunner(ShedRunner mount, ShedRunner vm) {
        this.mount = mount;
        this.vm = vm;
    }

    private ShedRunner of(Shed shed) {
        return shed.isVm() ? vm : mount;
    }

    @Override
    public Path start(Shed shed, ShedPaths paths, Path lower) throws IOException {
        return of(shed).start(shed, paths, lower);
    }

    @Override
    public Path start(Shed shed, ShedPaths paths, dev.shed.core.materialize.Lower lower) throws IOException {
        return of(shed).start(shed, paths, lower);
    }

    @Override
    public void stop(Shed shed, ShedPaths paths) throws IOException {
        of(shed).stop(shed, paths);
    }

    @Override
    public boolean isRunning(Shed shed, ShedPaths paths) {
        return of(shed).isRunning(shed, paths);
    }

    @Override
    public void prepare(Shed shed, ShedPaths paths) throws IOException {
        of(shed).prepare(shed, paths);
    }

    @Override
    public Path whenRunning(Shed shed, ShedPaths paths) throws IOException {
        return of(shed).whenRunning(shed, paths);
    }
}
