package dev.shed.core.vm;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * A kernel's module tree (lib/modules/RELEASE): which modules are built in (modules.builtin), where each loadable
 * one is, and what it depends on (modules.dep when depmod wrote one, else each module's own {@code .modinfo}).
 * Modules packed as .ko.xz, .ko.zst or .ko.gz are unpacked here: busybox insmod loads plain .ko files.
 */
public final class KernelModules {
    private final Path dir;
    private final Set<String> builtin = new HashSet<>();
    private final Map<String, Path> files = new HashMap<>();
    private final Map<String, List<String>> depmod = new HashMap<>();

    /** A module to put in the initrd: its name and uncompressed bytes, in load order. */
    public record Module(String name, byte[] bytes) {}

    private KernelModules(Path dir) {
        this.dir = dir;
    }

    public static KernelModules open(Path dir) throws IOException {
        KernelModules m = new KernelModules(dir);
        Path builtin = dir.resolve("modules.builtin");
        if (Files.isRegularFile(builtin)) {
            for (String line : Files.readAllLines(builtin)) if (!line.isBlank()) m.builtin.add(nameOf(line.strip()));
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> isModuleFile(p.getFileName().toString()) && Files.isRegularFile(p))
                    .forEach(p -> m.files.putIfAbsent(nameOf(p.getFileName().toString()), p));
        }
        Path dep = dir.resolve("modules.dep");
        if (Files.isRegularFile(dep)) {
            for (String line : Files.readAllLines(dep)) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                List<String> deps = new ArrayList<>();
                for (String d : line.substring(colon + 1).trim().split("\\s+")) if (!d.isEmpty()) deps.add(nameOf(d));
                m.depmod.put(nameOf(line.substring(0, colon)), deps);
            }
        }
        return m;
    }

    public Path dir() {
        return dir;
    }

    public boolean isBuiltin(String name) {
        return builtin.contains(canonical(name));
    }

    public boolean has(String name) {
        return isBuiltin(name) || files.containsKey(canonical(name));
    }

    /**
     * The loadable modules needed for {@code names}, dependencies first; built-in ones are left out. A name that
     * is neither built in nor a module file is an error naming the kernel's module directory.
     */
    public List<Module> resolve(List<String> names) throws IOException {
        Map<String, Module> out = new LinkedHashMap<>();
        for (String n : names) visit(canonical(n), out, new HashSet<>());
        return new ArrayList<>(out.values());
    }

    /**
     * The files {@code modules} (from {@link #resolve}) were read from, with the tree's index files (recorded even
     * when absent, so a depmod run later is noticed) and the tree's own directory.
     */
    public List<Path> sources(List<Module> modules) {
        List<Path> out = new ArrayList<>(List.of(dir, dir.resolve("modules.builtin"), dir.resolve("modules.dep")));
        for (Module m : modules) out.add(files.get(m.name()));
        return out;
    }

    private void visit(String name, Map<String, Module> out, Set<String> path) throws IOException {
        if (out.containsKey(name) || isBuiltin(name)) return;
        if (!path.add(name)) throw new IOException("module dependency cycle at " + name + " in " + dir);
        Path file = files.get(name);
        if (file == null) {
            throw new IOException("the guest kernel has no " + name + ": not built in (" + dir.resolve("modules.builtin")
                    + ") and no " + name + ".ko under " + dir);
        }
        byte[] bytes = read(file);
        List<String> deps = depmod.containsKey(name) ? depmod.get(name) : ModuleInfo.depends(bytes, file.toString());
        for (String d : deps) visit(d, out, path);
        path.remove(name);
        out.put(name, new Module(name, bytes));
    }

    private static byte[] read(Path file) throws IOException {
        String n = file.getFileName().toString();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = n.endsWith(".xz") ? new XZCompressorInputStream(raw)
                     : n.endsWith(".zst") ? new ZstdInputStream(raw)
                     : n.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return in.readAllBytes();
        }
    }

    private static boolean isModuleFile(String n) {
        return n.endsWith(".ko") || n.endsWith(".ko.xz") || n.endsWith(".ko.zst") || n.endsWith(".ko.gz");
    }

    /** "kernel/fs/erofs/erofs.ko.xz" → "erofs"; '-' and '_' are the same in module names. */
    static String nameOf(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        return canonical(ko < 0 ? base : base.substring(0, ko));
    }

    static String canonical(String name) {
        return name.replace('-', '_');
    }
}
