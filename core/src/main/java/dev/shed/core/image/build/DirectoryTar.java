package dev.shed.core.image.build;

import dev.shed.core.flatten.TarSink;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.source.DirectorySource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Writes a directory tree into a tar as it is on disk, by feeding {@link DirectorySource}'s walk (the one
 * {@code shed erofs build DIR} uses) to {@link TarSink} (the one {@code shed image export} uses): the root as
 * {@code ./}, owners (numeric), permission bits incl. setuid/setgid/sticky, symlinks, hardlinks (second and later
 * names of an inode link to the first), char/block devices, fifos, and every xattr namespace with its exact bytes
 * (PAX {@code SCHILY.xattr.*}; as root that includes {@code security.capability}, {@code trusted.*} and
 * {@code security.selinux}, and a symlink's own xattrs). Nothing but directories and regular files is opened.
 *
 * <p>Entries come in the walk's order (depth first, names in byte order), mtimes are cut to whole seconds (like
 * docker's layers: no PAX header per entry just for nanoseconds) and there are no user/group names or access
 * times, so the same tree always gives the same bytes. Sockets are skipped, like docker does: tar cannot hold one.
 */
public final class DirectoryTar {
    private DirectoryTar() {}

    /** Writes the tree under {@code root} and the end-of-archive blocks; {@code out} stays open. */
    public static void write(Path root, OutputStream out) throws IOException {
        if (!Files.isDirectory(root)) throw new NotDirectoryException(root.toString());
        TarSink tar = new TarSink(out);
        new DirectorySource(root).writeTo(new DirectorySource.Sink() {
            @Override
            public void add(ErofsEntry entry) throws IOException {
                if (entry.type() != EntryType.SOCKET) tar.add(wholeSeconds(entry));
            }

            @Override
            public void add(ErofsEntry file, InputStream data) throws IOException {
                tar.add(wholeSeconds(file), data);   // fails if the data ends early (the file shrank)
                if (data.read() != -1) {
                    throw new IOException(root.resolve(file.path()) + " grew while being read (stat said "
                            + file.size() + " bytes)");
                }
            }
        });
        tar.close();
    }

    private static ErofsEntry wholeSeconds(ErofsEntry e) {
        if (e.mtimeNanos() == 0) return e;
        return new ErofsEntry(e.path(), e.type(), e.permissions(), e.uid(), e.gid(), e.mtimeSeconds(), 0, e.size(),
                e.linkTarget(), e.devMajor(), e.devMinor(), e.xattrs());
    }
}
