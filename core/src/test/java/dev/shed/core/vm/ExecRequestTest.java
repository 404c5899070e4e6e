package dev.shed.core.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How an exec request is put together from the image config and the flags (the guest side: ExecStdinTtyUserTest). */
class ExecRequestTest {
    static final ImageRuntimeConfig CONFIG = new ImageRuntimeConfig(List.of("PATH=/bin", "GREETING=hi"), "/www", "alice");

    @Test
    void userComesFromTheImageUnlessOverridden() {
        assertThat(ExecRequest.of(List.of("id"), CONFIG, List.of(), null, null, "shed dev", null).user()).isEqualTo("alice");
        assertThat(ExecRequest.of(List.of("id"), CONFIG, List.of(), null, "bob:wheel", "shed dev", null).user()).isEqualTo("bob:wheel");
        assertThat(ExecRequest.of(List.of("id"), new ImageRuntimeConfig(List.of(), "/", ""), List.of(), null, null, "shed dev", null).user())
                .isEmpty();
    }

    @Test
    void malformedUsersAreRefusedOnTheHost() {
        for (String bad : List.of(":", "bob:", ":wheel", "a:b:c", "two words")) {
            assertThatThrownBy(() -> ExecRequest.of(List.of("id"), CONFIG, List.of(), null, bad, "shed dev", null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    /** HOME is the guest's to set from /etc/passwd unless an Env gives one; a terminal brings TERM, as docker. */
    @Test
    void homeIsLeftToTheGuestAndTermFollowsTheTerminal() {
        ExecRequest plain = ExecRequest.of(List.of("id"), CONFIG, List.of(), null, null, "shed dev", null);
        assertThat(plain.env()).containsOnlyKeys("PATH", "GREETING");
        ExecRequest tty = ExecRequest.of(List.of("sh"), CONFIG, List.of(), null, null, "shed dev", new ExecRequest.TerminalSize(33, 101));
        assertThat(tty.env()).containsEntry("TERM", "xterm");
        assertThat(tty.script()).startsWith("/bin/busybox stty rows 33 cols 101 ");
        ExecRequest own = ExecRequest.of(List.of("sh"), CONFIG, List.of("TERM=vt100", "HOME=/h"), null, null, "shed dev",
                new ExecRequest.TerminalSize(33, 101));
        assertThat(own.env()).containsEntry("TERM", "vt100").containsEntry("HOME", "/h");
    }
}
