package dev.shed.core.shed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTableTest {
    @TempDir
    Path tmp;

    @Test
    void parsesMountinfoLinesWithOptionalFieldsAndEscapes() {
        MountTable.Mount m = MountTable.parse("36 35 98:0 / /mnt/with\\040space rw,noatime master:1 shared:2 - overlay overlay rw,lowerdir=/a");
        assertThat(m).isEqualTo(new MountTable.Mount(Path.of("/mnt/with space"), "overlay", "overlay"));
        assertThat(MountTable.parse("27 1 254:0 / / rw,relatime - ext4 /dev/vda rw")).isEqualTo(new MountTable.Mount(Path.of("/"), "ext4", "/dev/vda"));
        assertThat(MountTable.parse("garbage")).isNull();
    }

    @Test
    void readsMountPointsAndLoopBackingFilesFromTheGivenFiles() throws Exception {
        Path info = tmp.resolve("mountinfo");
        Files.writeString(info, "27 1 254:0 / / rw - ext4 /dev/vda rw\n50 27 7:0 / /s/mounts/a/lower ro - erofs /dev/loop0 ro\n");
        Path sys = tmp.resolve("block");
        Files.createDirectories(sys.resolve("loop0/loop"));
        Files.writeString(sys.resolve("loop0/loop/backing_file"), "/s/cache/sha256/ab.erofs\n");
        Files.createDirectories(sys.resolve("loop1/loop"));
        Files.writeString(sys.resolve("loop1/loop/backing_file"), "/s/cache/sha256/cd.erofs (deleted)\n");
        Files.createDirectories(sys.resolve("loop2"));
        MountTable t = new MountTable(info, sys);
        assertThat(t.isMountPoint(Path.of("/s/mounts/a/lower"))).isTrue();
        assertThat(t.isMountPoint(Path.of("/s/mounts/a"))).isFalse();
        assertThat(t.loopBackingFiles()).containsExactlyInAnyOrder(Path.of("/s/cache/sha256/ab.erofs"), Path.of("/s/cache/sha256/cd.erofs"));
    }
}
