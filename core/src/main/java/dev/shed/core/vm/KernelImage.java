package dev.shed.core.vm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Tells a guest kernel's architecture from its header, so a kernel that cannot boot the image's architecture is
 * refused before QEMU starts: an x86 bzImage has "HdrS" at 0x202, an arm64 Image "ARMd" at 0x38 (either may come
 * gzip'd: QEMU unpacks a gzip'd arm64 Image itself), an ELF vmlinux names its machine.
 */
public final class KernelImage {
    private static final int HEADER = 0x210;

    private KernelImage() {}

    /** The architecture of {@code kernel}, or null when its header is none shed knows. */
    public static GuestArch archOf(Path kernel) throws IOException {
        byte[] h;
        try (InputStream raw = Files.newInputStream(kernel)) {
            h = raw.readNBytes(HEADER);
        }
        if (h.length >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(kernel))) {
                h = in.readNBytes(HEADER);
            } catch (IOException e) {
                return null;
            }
        }
        if (at(h, 0x202, "HdrS")) return GuestArch.AMD64;
        if (at(h, 0x38, "ARMd")) return GuestArch.ARM64;
        return GuestArch.ofElf(h);
    }

    /** An error unless {@code kernel} (found as {@code origin}) is a kernel for {@code arch}; {@code remedy} ends it. */
    public static void check(Path kernel, String origin, GuestArch arch, String remedy) throws IOException {
        GuestArch actual = archOf(kernel);
        if (actual == arch) return;
        String what = actual == null ? "is not a kernel image shed recognizes (x86 bzImage, arm64 Image, ELF vmlinux)"
                : "is an " + actual.key() + " kernel";
        throw new IOException("guest kernel " + kernel + " (" + origin + ") " + what + " but the image is " + arch.key() + "; " + remedy);
    }

    private static boolean at(byte[] h, int offset, String magic) {
        if (h.length < offset + magic.length()) return false;
        for (int i = 0; i < magic.length(); i++) if (h[offset + i] != magic.charAt(i)) return false;
        return true;
    }
}
