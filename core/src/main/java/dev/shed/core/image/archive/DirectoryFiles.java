package dev.shed.core.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** An unpacked archive: files read straight from a directory (paths may not leave it). */
final class DirectoryFiles implements ArchiveFiles {
    private final Path root;

    DirectoryFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    private Path resolve(String path) throws NoSuchFileException {
        Path p = root.resolve(path).normalize();
        if (!p.startsWith(root) || path.startsWith("/")) throw new NoSuchFileException(path, null, "path leaves the archive");
        return p;
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public boolean exists(String path) {
        try {
            return Files.isRegularFile(resolve(path));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public long size(String path) throws IOException {
        Path p = resolve(path);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(p)) throw new NoSuchFileException(root.resolve(path).toString());
        return Files.size(p);
    }

    @Override
    public InputStream open(String path) throws IOException {
        Path p = resolve(path);
        if (!Files.isRegularFile(p)) throw new NoSuchFileException(root.resolve(path).toString());
        return Files.newInputStream(p);
    }

    @Override
    public void close() {}
}
