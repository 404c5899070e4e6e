package dev.shed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one handler behind every command line: usage errors, execution errors, exit codes. */
class ErrorHandlerTest {
    @TempDir
    Path root;

    @Test
    void usageErrorsNameTheProblemAndTheCommandsHelp() {
        Shed.Result r = Shed.run(root, "image", "ls", "--bogus");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.errLines()).containsExactly("shed: error: Unknown option: '--bogus' (see 'shed image ls --help')");
        Shed.Result missing = Shed.run(root, "image", "pull");
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.errLines()).containsExactly("shed: error: Missing required parameter: 'NAME' (see 'shed image pull --help')");
    }

    @Test
    void executionErrorsAreOneLineWithTheMappedExitCode() {
        Shed.Result r = Shed.run(root, "image", "inspect", "ghost");
        assertThat(r.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("shed: error: ").contains("ghost");
    }
}
