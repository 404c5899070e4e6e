package dev.shed.core.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initrd as GNU cpio reads it (the oracle): every file, mode and the console device node; cached by content. */
class InitrdBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void gnuCpioReadsWhatTheBuilderWrote() throws Exception {
        Integration.requireTool("cpio");
        Path busybox = Path.of("/bin/busybox");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(busybox) || Integration.required(), "busybox-static");
        Path tool = Files.writeString(tmp.resolve("tool"), "#!/bin/sh\n");
        InitrdContent content = new InitrdContent(busybox,
                List.of(new KernelModules.Module("fake_mod", "not really an ELF".getBytes())), Map.of("shed/tools/tool", tool));
        InitrdBuilder builder = new InitrdBuilder(tmp.resolve("cache"));
        Path initrd = builder.build(content);
        assertThat(builder.build(content)).isEqualTo(initrd); // cached by content hash

        String listing = Processes.check(tmp, "sh", "-c", "gzip -dc " + initrd + " | cpio -tv --quiet");
        assertThat(listing).containsPattern("(?m)^crw------- .* 5, +1 .* dev/console$")
                .containsPattern("(?m)^-rwxr-xr-x .* init$")
                .containsPattern("(?m)^-rwxr-xr-x .* bin/busybox$")
                .containsPattern("(?m)^-rw-r--r-- .* shed/modules/fake_mod.ko$")
                .containsPattern("(?m)^drwxr-xr-x .* newroot$");
        Path out = Files.createDirectories(tmp.resolve("x"));
        Processes.check(out, "sh", "-c", "gzip -dc " + initrd + " | cpio -id --quiet --no-absolute-filenames 'init' 'bin/busybox' 'shed/*'");
        assertThat(Files.readAllBytes(out.resolve("bin/busybox"))).isEqualTo(Files.readAllBytes(busybox));
        assertThat(Files.readAllBytes(out.resolve("init"))).isEqualTo(InitrdBuilder.initScript());
        assertThat(Files.readString(out.resolve("shed/modules.order"))).isEqualTo("fake_mod\n");
        assertThat(Files.readString(out.resolve("shed/tools/tool"))).isEqualTo("#!/bin/sh\n");
    }

    @Test
    void aDynamicBusyboxIsRefused() {
        Path dynamic = Path.of("/bin/ls");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(dynamic));
        assertThatThrownBy(() -> new InitrdBuilder(tmp).build(new InitrdContent(dynamic, List.of(), Map.of())))
                .hasMessageContaining("/bin/ls is dynamically linked");
    }
}
