package dev.shed.core.vm;

import dev.shed.core.store.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * Writes shed's initrd: a gzip'd cpio (newc) with busybox, {@code /init} (the guest init script), the modules
 * the guest kernel needs and, for the boot harness, its host tools. Cached under {@code dir} by the hash of
 * everything in it, so one kernel's initrd is written once and reused by every boot; written to a temp file and
 * renamed, so a crash never leaves a partial initrd behind a good name. Entries carry mtime 0 and uid 0: the
 * same content gives the same bytes.
 */
public final class InitrdBuilder {
    /** Bumped when the layout of the archive changes. */
    private static final String FORMAT = "shed-initrd/1";

    private final Path dir;

    public InitrdBuilder(Path dir) {
        this.dir = dir;
    }

    public static byte[] initScript() throws IOException {
        try (InputStream in = InitrdBuilder.class.getResourceAsStream("init.sh")) {
            if (in == null) throw new IOException("init.sh resource missing from the shed jar");
            return in.readAllBytes();
        }
    }

    /** The initrd for {@code content}, written now unless a cached one exists. */
    public Path build(InitrdContent content) throws IOException {
        byte[] busybox = readBusybox(content.busybox());
        Map<String, byte[]> tools = new TreeMap<>();
        for (Map.Entry<String, Path> t : content.tools().entrySet()) tools.put(t.getKey(), Files.readAllBytes(t.getValue()));
        byte[] init = initScript();

        MessageDigest md = sha256();
        update(md, FORMAT.getBytes(StandardCharsets.UTF_8));
        update(md, init);
        update(md, busybox);
        for (KernelModules.Module m : content.modules()) {
            update(md, m.name().getBytes(StandardCharsets.UTF_8));
            update(md, m.bytes());
        }
        for (Map.Entry<String, byte[]> t : tools.entrySet()) {
            update(md, t.getKey().getBytes(StandardCharsets.UTF_8));
            update(md, t.getValue());
        }
        Path out = dir.resolve(HexFormat.of().formatHex(md.digest()) + ".cpio.gz");
        if (Files.isRegularFile(out)) return out;

        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream file = Files.newOutputStream(tmp);
                 GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16);
                 CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(gz, CpioConstants.FORMAT_NEW)) {
                TreeSet<String> dirs = new TreeSet<>();
                for (String d : new String[] {"bin", "dev", "proc", "sys", "run", "lower", "upper", "newroot", "shed", "shed/modules"}) dirs.add(d);
                for (String t : tools.keySet()) for (String p = parent(t); p != null; p = parent(p)) dirs.add(p);
                for (String d : dirs) directory(cpio, d);
                device(cpio, "dev/console", 5, 1);
                file(cpio, "init", 0755, init);
                file(cpio, "bin/busybox", 0755, busybox);
                StringBuilder order = new StringBuilder();
                for (KernelModules.Module m : content.modules()) {
                    file(cpio, "shed/modules/" + m.name() + ".ko", 0644, m.bytes());
                    order.append(m.name()).append('\n');
                }
                file(cpio, "shed/modules.order", 0644, order.toString().getBytes(StandardCharsets.UTF_8));
                for (Map.Entry<String, byte[]> t : tools.entrySet()) file(cpio, t.getKey(), 0755, t.getValue());
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            AtomicFiles.move(tmp, out);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return out;
    }

    private static byte[] readBusybox(Path busybox) throws IOException {
        if (!Files.isRegularFile(busybox)) {
            throw new IOException("no static busybox at " + busybox + " (apt-get install busybox-static, or shed config set vm.busybox PATH)");
        }
        byte[] b = Files.readAllBytes(busybox);
        if (isDynamic(b)) {
            throw new IOException(busybox + " is dynamically linked; the initrd needs a static busybox (Debian: busybox-static, or shed config set vm.busybox PATH)");
        }
        return b;
    }

    /** Whether an ELF64 file has a PT_INTERP program header (needs a dynamic loader). */
    static boolean isDynamic(byte[] elf) {
        if (elf.length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2) return false;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            long at = phoff + (long) i * phentsize;
            if (at + 4 > elf.length) return false;
            if (b.getInt((int) at) == 3) return true; // PT_INTERP
        }
        return false;
    }

    private static String parent(String p) {
        int slash = p.lastIndexOf('/');
        return slash <= 0 ? null : p.substring(0, slash);
    }

    private static void directory(CpioArchiveOutputStream cpio, String name) throws IOException {
        CpioArchiveEntry e = entry(name, CpioConstants.C_ISDIR | 0755, 0);
        e.setNumberOfLinks(2);
        cpio.putArchiveEntry(e);
        cpio.closeArchiveEntry();
    }

    private static void device(CpioArchiveOutputStream cpio, String name, int major, int minor) throws IOException {
        CpioArchiveEntry e = entry(name, CpioConstants.C_ISCHR | 0600, 0);
        e.setRemoteDeviceMaj(major);
        e.setRemoteDeviceMin(minor);
        cpio.putArchiveEntry(e);
        cpio.closeArchiveEntry();
    }

    private static void file(CpioArchiveOutputStream cpio, String name, int mode, byte[] data) throws IOException {
        cpio.putArchiveEntry(entry(name, CpioConstants.C_ISREG | mode, data.length));
        cpio.write(data);
        cpio.closeArchiveEntry();
    }

    private static CpioArchiveEntry entry(String name, long mode, long size) {
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, size);
        e.setMode(mode);
        e.setTime(0);
        e.setUID(0);
        e.setGID(0);
        if (e.getNumberOfLinks() == 0) e.setNumberOfLinks(1);
        return e;
    }

    private static void update(MessageDigest md, byte[] bytes) {
        md.update(java.nio.ByteBuffer.allocate(8).putLong(bytes.length).array());
        md.update(bytes);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
