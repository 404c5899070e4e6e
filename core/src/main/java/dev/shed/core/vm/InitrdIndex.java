package dev.shed.core.vm;

import dev.shed.core.store.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the initrd written earlier for the same inputs without reading them. Building the key the content way
 * (walk the kernel's module tree, read busybox and the modules, SHA-256 ~3 MB) cost ~0.2–0.4 s of every
 * {@code shed start}; this costs a few stats. One small file per key ({@code <key>.idx}, the key hashing what
 * the caller asks for: module dir, module names, busybox path, tools, init script) names the initrd and the
 * files it was made from with their stat signature: size, mtime, ctime, inode, device. ctime and inode change
 * whenever a file is rewritten or replaced, whatever mtime it is given back, so any change to a source, a
 * missing source or a missing initrd is a miss, and the caller builds again (by content, so an unchanged result
 * is not rewritten) and records the new sources.
 */
final class InitrdIndex {
    private static final String SUFFIX = ".idx";

    private final Path dir;

    InitrdIndex(Path dir) {
        this.dir = dir;
    }

    /** A key for {@code parts} (what the initrd is asked to hold) and the init script it carries. */
    static String key(List<String> parts, byte[] initScript) {
        MessageDigest md = InitrdBuilder.sha256();
        for (String p : parts) {
            md.update(p.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        md.update(initScript);
        return HexFormat.of().formatHex(md.digest());
    }

    /** The initrd recorded under {@code key}, if it exists and every source still has its recorded signature. */
    Optional<Path> lookup(String key) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(key + SUFFIX), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty()) return Optional.empty();
        Path initrd = dir.resolve(lines.get(0));
        if (!initrd.getParent().equals(dir) || !Files.isRegularFile(initrd)) return Optional.empty();
        for (String line : lines.subList(1, lines.size())) {
            int tab = line.indexOf('\t');
            if (tab < 0 || !line.substring(0, tab).equals(signature(Path.of(line.substring(tab + 1))))) return Optional.empty();
        }
        return Optional.of(initrd);
    }

    /** Records that {@code initrd} (in this index's dir) was made from {@code sources} for {@code key}. */
    void record(String key, Path initrd, Collection<Path> sources) throws IOException {
        StringBuilder out = new StringBuilder(initrd.getFileName().toString()).append('\n');
        for (Path s : sources) {
            Path abs = s.toAbsolutePath();
            String sig = signature(abs);
            if (sig == null || abs.toString().indexOf('\n') >= 0) return; // no index: the next start builds again
            out.append(sig).append('\t').append(abs).append('\n');
        }
        AtomicFiles.write(dir.resolve(key + SUFFIX), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** size/mtime/ctime/inode/device of {@code p} (following symlinks), "missing", or null when unreadable. */
    static String signature(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:size,lastModifiedTime,ctime,ino,dev");
            return a.get("size") + "/" + nanos(a.get("lastModifiedTime")) + "/" + nanos(a.get("ctime")) + "/" + a.get("ino") + "/" + a.get("dev");
        } catch (NoSuchFileException e) {
            return "missing";
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }
}
