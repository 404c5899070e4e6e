package dev.shed.core.lifecycle;

import dev.shed.core.shed.Shed;
import dev.shed.core.shed.ShedPaths;
import dev.shed.core.shed.ShedRunner;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A runner for tests that exercise running-state rules without mounting (the mount runner has its own root
 * tests): a shed runs from start until stop, or until {@link #crash} simulates its mount vanishing.
 */
public final class FakeRunner implements ShedRunner {
    private final Set<String> running = new HashSet<>();

    @Override
    public synchronized Path start(Shed shed, ShedPaths paths, Path lower) {
        if (!java.nio.file.Files.isRegularFile(lower)) throw new IllegalStateException("lower missing at start: " + lower);
        running.add(shed.name());
        return paths.rootfs();
    }

    @Override
    public synchronized void stop(Shed shed, ShedPaths paths) {
        running.remove(shed.name());
    }

    @Override
    public synchronized boolean isRunning(Shed shed, ShedPaths paths) {
        return running.contains(shed.name());
    }

    /** The shed's "mount" disappears behind shed's back. */
    public synchronized void crash(String name) {
        running.remove(name);
    }
}
