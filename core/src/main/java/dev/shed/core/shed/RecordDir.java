package dev.shed.core.shed;

import dev.shed.core.store.AtomicFiles;
import dev.shed.core.store.StoreDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A directory of &lt;name&gt;.json records, each written atomically: a record exists entirely or not at all.
 * The record is the thing's existence; its data directory (&lt;name&gt;/) is made before and removed after it.
 */
final class RecordDir<T> {
    private final Path dir;
    private final Function<T, byte[]> render;
    private final BiFunction<byte[], String, T> parse;

    RecordDir(Path dir, Function<T, byte[]> render, BiFunction<byte[], String, T> parse) {
        this.dir = dir;
        this.render = render;
        this.parse = parse;
    }

    Path file(String name) {
        return dir.resolve(name + ".json");
    }

    Path dataDir(String name) {
        return dir.resolve(name);
    }

    Optional<T> get(String name) throws IOException {
        try {
            return Optional.of(parse.apply(Files.readAllBytes(file(name)), "record " + file(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void put(String name, T value) throws IOException {
        AtomicFiles.write(file(name), render.apply(value));
    }

    boolean delete(String name) throws IOException {
        boolean existed = Files.deleteIfExists(file(name));
        AtomicFiles.fsyncDirectory(dir);
        return existed;
    }

    List<T> list() throws IOException {
        List<T> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        for (Path f : files) {
            try {
                out.add(parse.apply(Files.readAllBytes(f), "record " + f));
            } catch (NoSuchFileException removed) {
                // removed while listing
            }
        }
        return out;
    }

    /** Data directories without a record: left by a crash during create or rm. */
    List<Path> orphanDataDirs() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return out;
        StoreDirs.requireDirectory(dir); // a symlink here would make prune delete what it points at
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file(p.getFileName().toString()))) out.add(p);
            }
        }
        return out;
    }
}
