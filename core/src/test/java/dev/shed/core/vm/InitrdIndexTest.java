package dev.shed.core.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.testing.GuestKernelFixture;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * shed start finds its initrd by stat signatures instead of re-reading busybox and the modules: any change to
 * what went in — even one that keeps the size and puts the old mtime back — must give a new initrd, and the new
 * initrd must hold the new bytes (read back with GNU cpio, the oracle).
 */
class InitrdIndexTest {
    @TempDir
    Path tmp;

    @Test
    void aRecordedInitrdIsFoundUntilASourceOrTheInitrdChanges() throws Exception {
        InitrdIndex index = new InitrdIndex(tmp);
        Path initrd = Files.writeString(tmp.resolve("abc.cpio.gz"), "initrd");
        Path source = Files.writeString(tmp.resolve("busybox"), "one");
        Path absent = tmp.resolve("modules.dep");
        String key = InitrdIndex.key(List.of("busybox=" + source), "init".getBytes());
        assertThat(index.lookup(key)).isEmpty();
        index.record(key, initrd, List.of(source, absent));
        assertThat(index.lookup(key)).contains(initrd);
        assertThat(index.lookup(InitrdIndex.key(List.of("busybox=" + source), "init2".getBytes()))).as("another init script").isEmpty();

        FileTime mtime = Files.getLastModifiedTime(source);
        Files.writeString(source, "two"); // same size
        Files.setLastModifiedTime(source, mtime);
        assertThat(index.lookup(key)).as("rewritten, same size and mtime").isEmpty();

        index.record(key, initrd, List.of(source, absent));
        Files.writeString(absent, "dep");
        assertThat(index.lookup(key)).as("a file recorded absent appeared").isEmpty();

        index.record(key, initrd, List.of(source, absent));
        Files.delete(initrd);
        assertThat(index.lookup(key)).as("initrd deleted").isEmpty();
    }

    @Test
    void aChangedBusyboxOrModuleGivesANewInitrdWithTheNewBytes() throws Exception {
        Integration.requireTool("cpio");
        Path kernel = GuestKernelFixture.require();
        Path real = KernelModulesTest.modulesDir(kernel);
        // a copy of just what the initrd needs, so the test can change it
        KernelModules realTree = KernelModules.open(real);
        Path tree = Files.createDirectories(tmp.resolve("lib/modules").resolve(real.getFileName()));
        for (Path p : realTree.sources(realTree.resolve(BootFiles.BASE_MODULES))) {
            if (!Files.isRegularFile(p)) continue; // the tree's dir, an absent modules.dep
            Path copy = tree.resolve(real.relativize(p));
            Files.createDirectories(copy.getParent());
            Files.copy(p, copy);
        }
        Path busybox = tmp.resolve("busybox");
        Files.copy(Path.of("/bin/busybox"), busybox);
        BootFiles boot = new BootFiles(new VmSettings(java.util.Map.of("vm.busybox", busybox), 256L << 20).forArch(GuestArch.AMD64), tmp.resolve("cache"));
        GuestKernel guest = new GuestKernel(kernel, tree, null, "test");

        Path first = boot.initrd(guest, false, false);
        assertThat(boot.initrd(guest, false, false)).isEqualTo(first);

        Files.write(busybox, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND); // still a static ELF
        Path second = boot.initrd(guest, false, false);
        assertThat(second).isNotEqualTo(first);
        assertThat(extract(second, "bin/busybox")).isEqualTo(Files.readAllBytes(busybox));

        Path erofs;
        try (var s = Files.walk(tree)) {
            erofs = s.filter(p -> p.getFileName().toString().equals("erofs.ko")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(erofs);
        FileTime mtime = Files.getLastModifiedTime(erofs);
        b[b.length - 100] ^= 1; // inside the appended signature: same size, still a module to the ELF reader
        Files.write(erofs, b);
        Files.setLastModifiedTime(erofs, mtime);
        Path third = boot.initrd(guest, false, false);
        assertThat(third).isNotEqualTo(second);
        assertThat(extract(third, "shed/modules/erofs.ko")).isEqualTo(b);
    }

    private byte[] extract(Path initrd, String member) throws Exception {
        Path out = Files.createTempDirectory(tmp, "x");
        Processes.check(out, "sh", "-c", "gzip -dc " + initrd + " | cpio -id --quiet --no-absolute-filenames '" + member + "'");
        return Files.readAllBytes(out.resolve(member));
    }
}
