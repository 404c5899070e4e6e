package dev.shed.core.vm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a kernel module's {@code .modinfo} ELF section (NUL-separated {@code key=value} strings) for its
 * {@code depends=} list: the dependency graph when the module tree has no modules.dep (a kernel package
 * unpacked with dpkg-deb ships none; depmod writes it at install time).
 */
final class ModuleInfo {
    private ModuleInfo() {}

    /** The modules {@code ko} (an uncompressed ELF64 little-endian module: x86-64 or aarch64) depends on; {@code what} names it in errors. */
    static List<String> depends(byte[] ko, String what) {
        ByteBuffer b = ByteBuffer.wrap(ko).order(ByteOrder.LITTLE_ENDIAN);
        if (ko.length < 64 || b.getInt(0) != 0x464c457f || ko[4] != 2 || ko[5] != 1) {
            throw new IllegalArgumentException(what + ": not a 64-bit little-endian ELF module");
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(b.getShort(0x3e));
        try {
            int strtab = (int) b.getLong((int) (shoff + (long) shstrndx * shentsize) + 0x18);
            for (int i = 0; i < shnum; i++) {
                int sh = (int) (shoff + (long) i * shentsize);
                String name = cString(ko, strtab + b.getInt(sh));
                if (!name.equals(".modinfo")) continue;
                int off = (int) b.getLong(sh + 0x18);
                int size = (int) b.getLong(sh + 0x20);
                for (String kv : new String(ko, off, size, StandardCharsets.UTF_8).split("\0")) {
                    if (!kv.startsWith("depends=")) continue;
                    List<String> out = new ArrayList<>();
                    for (String d : kv.substring("depends=".length()).split(",")) if (!d.isEmpty()) out.add(KernelModules.canonical(d));
                    return out;
                }
                return List.of();
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(what + ": truncated ELF section table");
        }
        throw new IllegalArgumentException(what + ": no .modinfo section (not a kernel module)");
    }

    private static String cString(byte[] b, int at) {
        int end = at;
        while (b[end] != 0) end++;
        return new String(b, at, end - at, StandardCharsets.US_ASCII);
    }
}
