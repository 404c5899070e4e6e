package dev.shed.core.shed;

import static dev.shed.core.store.RealPaths.real;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the kernel has mounted, read fresh each time: /proc/self/mountinfo for mount points and
 * /sys/block/loop*&#47;loop/backing_file for the files behind loop devices. This, not shed's own records, is
 * the truth about which shed is running and which lower is in use, so it survives shed processes exiting and
 * notices mounts that someone removed by hand.
 */
public final class MountTable {
    private final Path mountinfo;
    private final Path sysBlock;

    public MountTable() {
        this(Path.of("/proc/self/mountinfo"), Path.of("/sys/block"));
    }

    MountTable(Path mountinfo, Path sysBlock) {
        this.mountinfo = mountinfo;
        this.sysBlock = sysBlock;
    }

    /** One mountinfo line: where, what type, from what source. */
    public record Mount(Path mountPoint, String fsType, String source) {}

    public List<Mount> mounts() {
        List<Mount> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo);
        } catch (IOException e) {
            return out; // not Linux: nothing is mounted by shed
        }
        for (String line : lines) {
            Mount m = parse(line);
            if (m != null) out.add(m);
        }
        return out;
    }

    /** Parses "36 35 98:0 /root /mnt/point rw,noatime master:1 - ext4 /dev/root rw" (fields octal-escaped). */
    static Mount parse(String line) {
        String[] f = line.split(" ");
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (f.length < 7 || dash < 0 || dash + 2 >= f.length) return null;
        return new Mount(Path.of(unescape(f[4])), unescape(f[dash + 1]), unescape(f[dash + 2]));
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                String oct = s.substring(i + 1, i + 4);
                if (oct.matches("[0-7]{3}")) {
                    b.append((char) Integer.parseInt(oct, 8));
                    i += 3;
                    continue;
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Whether {@code dir} is a mount point; compared by real path, as the kernel reports it (symlinks resolved). */
    public boolean isMountPoint(Path dir) {
        Path want = real(dir);
        return mounts().stream().anyMatch(m -> m.mountPoint().equals(want));
    }

    /** Files attached to loop devices (mounted or not); a deleted file shows with " (deleted)", which is cut. */
    public Set<Path> loopBackingFiles() {
        Set<Path> out = new LinkedHashSet<>();
        for (LoopDevice d : loopDevices()) out.add(d.backingFile());
        return out;
    }

    /**
     * An attached loop device. {@code autoclear}: the kernel detaches it when its last user closes it (mount(8)'s
     * own loops, and shed's data-device loops once mounted); one without it stays attached until detached.
     */
    public record LoopDevice(Path device, Path backingFile, boolean autoclear) {}

    private static String readOr(Path f, String fallback) {
        try {
            return Files.readString(f).strip();
        } catch (IOException e) {
            return fallback;
        }
    }

    /** Every attached loop device, from /sys/block/loop*&#47;loop/{backing_file,autoclear}. */
    public List<LoopDevice> loopDevices() {
        List<LoopDevice> out = new ArrayList<>();
        if (!Files.isDirectory(sysBlock)) return out;
        try (Stream<Path> s = Files.list(sysBlock)) {
            for (Path dev : s.filter(p -> p.getFileName().toString().startsWith("loop")).sorted().toList()) {
                Path loop = dev.resolve("loop");
                try {
                    String name = Files.readString(loop.resolve("backing_file")).strip();
                    if (name.endsWith(" (deleted)")) name = name.substring(0, name.length() - " (deleted)".length());
                    boolean autoclear = readOr(loop.resolve("autoclear"), "0").equals("1");
                    if (!name.isEmpty()) out.add(new LoopDevice(Path.of("/dev", dev.getFileName().toString()), Path.of(name), autoclear));
                } catch (IOException notAttached) {
                    // loop device without a backing file
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
