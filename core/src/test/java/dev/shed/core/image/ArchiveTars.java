package dev.shed.core.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Test helper: packs a directory into a tar the way `tar -C dir -cf out .` would (entries prefixed "./"). */
final class ArchiveTars {
    private ArchiveTars() {}

    static Path tar(Path dir, Path out, boolean gzip) throws IOException {
        try (OutputStream file = Files.newOutputStream(out);
             OutputStream maybeGz = gzip ? new java.util.zip.GZIPOutputStream(file) : file;
             TarArchiveOutputStream tar = new TarArchiveOutputStream(maybeGz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            List<Path> all;
            try (Stream<Path> s = Files.walk(dir)) {
                all = s.filter(p -> !p.equals(dir)).sorted().toList();
            }
            for (Path p : all) {
                String name = "./" + dir.relativize(p).toString().replace('\\', '/');
                TarArchiveEntry e = new TarArchiveEntry(p.toFile(), Files.isDirectory(p) ? name + "/" : name);
                tar.putArchiveEntry(e);
                if (Files.isRegularFile(p)) Files.copy(p, tar);
                tar.closeArchiveEntry();
            }
        }
        return out;
    }
}
