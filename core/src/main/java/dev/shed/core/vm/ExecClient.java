package dev.shed.core.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Talks to the guest init over virtio-serial ports that QEMU exposes as unix sockets: requests and exit codes on
 * the control port, a command's stdout and stderr each on its own port, its stdin (-i) on another, and a terminal
 * (-t, a virtconsole: a tty in the guest) carrying input and merged output. Output is framed by a random nonce
 * sent with the request (written by the guest before and after the command's output), so bytes left over from an
 * earlier call that lost its connection are never taken for this call's output; stdin starts with the nonce too,
 * which tells the guest the host is attached. One client at a time (QEMU serves one connection per socket):
 * callers hold the shed's exec lock.
 */
public final class ExecClient {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long after the exit code the terminal's end mark may take to arrive (it is written before). */
    private static final Duration TERMINAL_GRACE = Duration.ofSeconds(10);

    private final VmFiles files;

    public ExecClient(VmFiles files) {
        this.files = files;
    }

    /**
     * Runs {@code request}; its stdout and stderr stream to the two sinks as they arrive (with a terminal both
     * come merged through it, to {@code stdout}). {@code stdin}, when not null, is streamed to the command, and
     * its end reaches the command as EOF; with a terminal it is typed into the terminal once the command's
     * output has begun; each size {@code resizes} reports is passed on to the terminal (the command gets SIGWINCH).
     * Returns the command's exit code.
     */
    public int exec(ExecRequest request, InputStream stdin, OutputStream stdout, OutputStream stderr, TerminalResizes resizes)
            throws IOException {
        String nonce = nonce();
        boolean tty = request.tty() != null;
        String flags = (tty ? "t" : "") + (stdin != null ? "i" : "");
        String payload = Base64.getEncoder().encodeToString(request.script().getBytes(StandardCharsets.UTF_8));
        try (SocketChannel out = connect(files.stdoutSocket()); SocketChannel err = connect(files.stderrSocket());
             SocketChannel in = stdin != null && !tty ? connectPort(files.stdinSocket(), "stdin") : null;
             SocketChannel term = tty ? connectPort(files.terminalSocket(), "terminal") : null;
             SocketChannel ctl = connect(files.controlSocket())) {
            AtomicReference<IOException> failure = new AtomicReference<>();
            Thread o = pump(out, nonce, stdout, failure, () -> {});
            Thread e = pump(err, nonce, stderr, failure, () -> {});
            AtomicReference<IOException> termFailure = new AtomicReference<>();
            // two NULs before the nonce on the terminal: output that ends like the mark's start waits for more,
            // and a terminal's output (typed characters echoed one by one) rarely ends in NUL, often in hex
            Thread t = term == null ? null : pump(term, "\0\0" + nonce, stdout, termFailure,
                    () -> { if (stdin != null) feed(stdin, term, null, false); });
            if (in != null) feed(stdin, in, nonce, true);
            write(ctl, "X " + nonce + " " + payload + (flags.isEmpty() ? "" : " " + flags) + "\n");
            Runnable unsubscribe = !tty ? () -> {} : resizes.subscribe(size -> {
                try {
                    write(ctl, "W " + nonce + " " + size.rows() + " " + size.cols() + "\n");
                } catch (IOException callOver) {
                    // the command has ended: no terminal to resize
                }
            });
            String done;
            try {
                done = awaitLine(ctl, "D " + nonce + " ", null);
            } finally {
                unsubscribe.run();
            }
            join(o);
            join(e);
            if (t != null && !join(t, TERMINAL_GRACE)) {
                // the guest could not open the terminal (its error came on stderr) or lost the end mark: the
                // command is over either way, so stop waiting for it
                term.close();
                join(t);
            } else if (termFailure.get() != null) {
                throw termFailure.get();
            }
            if (failure.get() != null) throw failure.get();
            try {
                return Integer.parseInt(done.substring(("D " + nonce + " ").length()).strip());
            } catch (NumberFormatException ex) {
                throw new IOException("the guest answered '" + done + "'");
            }
        }
    }

    /** Asks the guest to stop everything, sync and power off; returns once it acknowledged. */
    public void powerOff(Duration timeout) throws IOException {
        String nonce = nonce();
        try (SocketChannel ctl = connect(files.controlSocket())) {
            write(ctl, "P " + nonce + "\n");
            awaitLine(ctl, "D " + nonce + " ", timeout);
        }
    }

    /** Waits for the guest init's READY line (it writes it once, when its exec server starts). */
    public static void awaitReady(SocketChannel ctl, Duration timeout) throws IOException {
        awaitLine(ctl, "READY", timeout);
    }

    public static SocketChannel connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot reach the VM at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** A port a VM started by an older shed lacks: said so, rather than a bare connection error. */
    private static SocketChannel connectPort(Path socket, String what) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("the VM has no " + what + " port (" + socket + "): it was started by an older shed; restart it");
        }
        return connect(socket);
    }

    /**
     * Copies {@code from} to {@code to} on a daemon thread, after {@code prefix} when not null. At the end of
     * {@code from}, {@code shutdown} half-closes the socket: QEMU then reads EOF and tells the guest the host
     * left, which the command reads as EOF once it has read everything before. A half-close (not a close) keeps
     * QEMU from dropping bytes the guest has not taken yet. Write errors end the copy quietly: the call is over.
     */
    private static void feed(InputStream from, SocketChannel to, String prefix, boolean shutdown) {
        Thread t = new Thread(() -> {
            try {
                if (prefix != null) write(to, prefix);
                byte[] buf = new byte[64 << 10];
                int n;
                while ((n = from.read(buf)) >= 0) {
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) to.write(b);
                }
                if (shutdown) to.shutdownOutput();
            } catch (IOException callOver) {
                // the command ended and the channel closed, or stdin failed: nothing more to send
            }
        }, "shed-exec-stdin");
        t.setDaemon(true);
        t.start();
    }

    /** One whole line per writer: the resize listener writes to the control port from another thread. */
    private static void write(SocketChannel ch, String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        synchronized (ch) {
            while (b.hasRemaining()) ch.write(b);
        }
    }

    /**
     * Reads lines until one starts with {@code prefix}; other lines (stale answers) are skipped. With a timeout
     * the reads wait in a selector, so a line is taken as soon as it arrives (a 20 ms poll added 10 ms on average
     * to every {@code shed start}'s READY).
     */
    private static String awaitLine(SocketChannel ch, String prefix, Duration timeout) throws IOException {
        if (timeout == null) return readLine(ch, prefix, null, 0);
        ch.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_READ);
            String line = readLine(ch, prefix, selector, System.nanoTime() + timeout.toNanos());
            if (line == null) throw new IOException("the guest did not answer within " + timeout.toSeconds() + "s");
            return line;
        }
    }

    /** The first line starting with {@code prefix}; null once {@code deadline} passed (non-blocking reads only). */
    private static String readLine(SocketChannel ch, String prefix, Selector selector, long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            int n = ch.read(one);
            if (n < 0) throw new IOException("the VM closed the control channel (did the guest stop?)");
            if (n == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                selector.selectedKeys().clear();
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                continue;
            }
            byte c = one.get(0);
            if (c != '\n') {
                line.write(c);
                continue;
            }
            String s = line.toString(StandardCharsets.UTF_8).strip();
            line.reset();
            if (s.startsWith(prefix)) return s;
        }
    }

    private static Thread pump(SocketChannel ch, String nonce, OutputStream sink, AtomicReference<IOException> failure,
                               Runnable started) {
        Thread t = new Thread(() -> {
            try {
                new NonceFrame(nonce.getBytes(StandardCharsets.US_ASCII)).copy(ch, sink, started);
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            }
        }, "shed-exec-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Whether {@code t} ended within {@code timeout}. */
    private static boolean join(Thread t, Duration timeout) throws IOException {
        try {
            t.join(timeout.toMillis());
            return !t.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void join(Thread t) throws IOException {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String nonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
