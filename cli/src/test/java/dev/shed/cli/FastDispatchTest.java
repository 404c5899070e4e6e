package dev.shed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastDispatchTest {
    @TempDir
    Path tmp;

    @Test
    void leafCommandsRunAloneWithGlobalOptionsAnywhere() {
        String root = tmp.resolve("r").toString();
        var d = FastDispatch.leaf(new String[] {"--root", root, "image", "ls", "--format", "json"}).orElseThrow();
        assertThat(d.commandLine().getCommandName()).isEqualTo("shed image ls");
        assertThat(d.args()).containsExactly("--root", root, "--format", "json");
        var alias = FastDispatch.leaf(new String[] {"image", "list", "--root=" + root, "--debug"}).orElseThrow();
        assertThat(alias.commandLine().getCommandName()).isEqualTo("shed image list");
        assertThat(alias.args()).containsExactly("--root=" + root, "--debug");
    }

    @Test
    void anythingElseGoesToTheFullTree() {
        assertThat(FastDispatch.leaf(new String[] {})).isEmpty();
        assertThat(FastDispatch.leaf(new String[] {"image"})).isEmpty();
        assertThat(FastDispatch.leaf(new String[] {"--help"})).isEmpty();
        assertThat(FastDispatch.leaf(new String[] {"help", "image"})).isEmpty();
        assertThat(FastDispatch.leaf(new String[] {"image", "nope"})).isEmpty();
        assertThat(FastDispatch.leaf(new String[] {"--root"})).isEmpty();
    }

    @Test
    void leafAndFullTreeBehaveTheSame() {
        String root = tmp.resolve("r").toString();
        for (String[] args : new String[][] {
                {"--root", root, "image", "ls"},
                {"image", "ls", "--root", root, "--format", "json"},
                {"image", "ls", "--root", root, "--bogus"},
                {"image", "inspect", "--root", root, "ghost"},
                {"image", "ls", "--help"},
        }) {
            StringWriter fo = new StringWriter(), fe = new StringWriter(), to = new StringWriter(), te = new StringWriter();
            int fast = Main.run(new PrintWriter(fo, true), new PrintWriter(fe, true), args);
            var full = ShedCommand.commandLine();
            full.setOut(new PrintWriter(to, true));
            full.setErr(new PrintWriter(te, true));
            int tree = full.execute(args);
            assertThat(fast).as(String.join(" ", args)).isEqualTo(tree);
            assertThat(fo.toString()).as(String.join(" ", args)).isEqualTo(to.toString());
            assertThat(fe.toString()).as(String.join(" ", args)).isEqualTo(te.toString());
        }
    }
}
