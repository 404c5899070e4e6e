package dev.shed.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POSIX locks belong to processes, so the kernel reports EDEADLK for a wait cycle that exists only between
 * processes while every thread would make progress (two materializations building the data devices of shared
 * layers in parallel threads hit it). Here: this JVM's thread 1 holds {@code a} and its thread 2 waits for
 * {@code b}; the other JVM holds {@code b} in one thread and asks for {@code a} in another — the kernel refuses that
 * wait. FileLocks must wait it out (thread 1 releases {@code a} soon) rather than fail.
 */
class FileLocksDeadlockTest {
    @TempDir
    Path tmp;

    /** The other process: holds b, then on "go" takes a from a second thread; prints what it got. */
    public static final class Other {
        public static void main(String[] args) throws Exception {
            FileLocks locks = new FileLocks(Path.of(args[0]));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (FileLocks.Held b = locks.exclusive("b")) {
                System.out.println("holding b");
                System.out.flush();
                in.readLine();
                Thread t = new Thread(() -> {
                    try (FileLocks.Held a = locks.exclusive("a")) {
                        System.out.println("got a");
                        System.out.flush();
                    }
                });
                t.start();
                t.join();
            }
        }
    }

    @Test
    void aProcessLevelWaitCycleThatThreadsResolveIsWaitedOutNotFailed() throws Exception {
        FileLocks locks = new FileLocks(tmp.resolve("locks"));
        FileLocks.Held a = locks.exclusive("a");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Other.class.getName(), tmp.resolve("locks").toString()));
        Process other = new ProcessBuilder(cmd).redirectError(tmp.resolve("other.err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("holding b");
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> locks.exclusive("b").close()); // this process waits for b
        Thread.sleep(300);
        Writer go = new OutputStreamWriter(other.getOutputStream(), StandardCharsets.UTF_8);
        go.write("go\n");
        go.flush(); // the other process now asks for a: a cycle, process by process
        Thread.sleep(500);
        a.close();
        assertThat(other.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(other.exitValue()).as(Files.readString(tmp.resolve("other.err"))).isZero();
        assertThat(out.readLine()).isEqualTo("got a");
        waiter.get(1, TimeUnit.MINUTES);
    }
}
