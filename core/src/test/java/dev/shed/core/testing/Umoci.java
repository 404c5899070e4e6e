package dev.shed.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds images with umoci, an independent producer: {@code init}, {@code new}, one layer per {@link #insert}
 * (umoci writes real tar+gzip layers with its own whiteout encoding), and {@code unpack} as the reference
 * flattener to compare against.
 */
public final class Umoci {
    private final Path layout;

    private Umoci(Path layout) {
        this.layout = layout;
    }

    /** A fresh layout with an empty image tagged {@code tag}. */
    public static Umoci init(Path layout, String tag) throws IOException, InterruptedException {
        Integration.requireTool("umoci");
        Processes.check(null, "umoci", "init", "--layout", layout.toString());
        Processes.check(null, "umoci", "new", "--image", layout + ":" + tag);
        return new Umoci(layout);
    }

    public Path layout() {
        return layout;
    }

    /** Adds a layer holding {@code source} (file or directory) at {@code target} in the image. */
    public Umoci insert(String tag, Path source, String target) throws IOException, InterruptedException {
        Processes.check(null, "umoci", "insert", "--image", layout + ":" + tag, source.toString(), target);
        return this;
    }

    /** Adds a layer whose only entry whites out {@code target}. */
    public Umoci whiteout(String tag, String target) throws IOException, InterruptedException {
        Processes.check(null, "umoci", "insert", "--image", layout + ":" + tag, "--whiteout", target);
        return this;
    }

    /** Adds a layer that replaces directory {@code target} with {@code source} (opaque whiteout). */
    public Umoci opaque(String tag, Path source, String target) throws IOException, InterruptedException {
        Processes.check(null, "umoci", "insert", "--image", layout + ":" + tag, "--opaque", source.toString(), target);
        return this;
    }

    public Umoci tag(String from, String to) throws IOException, InterruptedException {
        Processes.check(null, "umoci", "tag", "--image", layout + ":" + from, to);
        return this;
    }

    /** Unpacks {@code tag} with umoci (as root: owners and devices kept) into {@code bundle}; returns rootfs. */
    public Path unpack(String tag, Path bundle) throws IOException, InterruptedException {
        Files.deleteIfExists(bundle);
        Processes.check(null, "umoci", "unpack", "--image", layout + ":" + tag, bundle.toString());
        return bundle.resolve("rootfs");
    }
}
