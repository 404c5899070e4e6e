package dev.shed.cli.image;

import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.cli.output.ProgressDisplay;
import dev.shed.core.flatten.Flattener;
import dev.shed.core.flatten.TarSink;
import dev.shed.core.image.ImageReader;
import dev.shed.core.layer.LayerBlob;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.OutputTarget;
import dev.shed.core.store.Store;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image export}: the merged filesystem as one tar, like {@code crane export}. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the image's merged filesystem (all layers, OCI whiteouts applied, markers removed) as "
                + "one POSIX tar: owners, modes, mtimes with nanoseconds, xattrs (SCHILY.xattr), devices and "
                + "hardlinks kept. Entries come newest layer first, each path once, in a fixed order, so the same "
                + "image always gives the same bytes. Extract with a tool that sets directory times last "
                + "(GNU tar --delay-directory-restore, umoci, libarchive)."},
        footer = {"", "Examples:", "  shed image export debian:bookworm -o rootfs.tar",
                "  shed image export debian:bookworm -o - | tar -t | head"})
public final class ImageExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Image name or manifest/index digest.")
    String name;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Manifest to use from a multi-platform index (default: the only one present, else the host's).")
    String platform;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = {"Where to write the tar; '-' for stdout. A file appears only when complete (temp file "
                    + "beside it, renamed into place); a FIFO or character device (/dev/null) is written into, never "
                    + "replaced. The directory must exist."})
    String output;

    @Option(names = OutputTarget.BLOCK_DEVICE_FLAG,
            description = "Allow FILE to be a block device: the tar overwrites the device from its first byte.")
    boolean writeBlockDevice;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Store store = GlobalOptions.openStore();
        ImageReader reader = new ImageReader(store);
        Manifest manifest = reader.select(reader.resolve(name), platform == null ? null : Platform.parse(platform));
        List<LayerBlob> layers = reader.layers(manifest); // digests and diff_ids checked while read
        boolean toStdout = output.equals("-");
        try (FileLocks.Held session = store.writeSession();
             ProgressDisplay progress = ProgressDisplay.forTerminal(spec.commandLine().getErr(), System.console() == null)) {
            if (toStdout) {
                OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
                write(layers, out, progress);
                out.flush();
                if (System.out.checkError()) throw new java.io.IOException("writing the tar to stdout failed");
            } else {
                try (OutputTarget target = OutputTarget.open(Path.of(output), writeBlockDevice)) {
                    write(layers, target.stream(), progress);
                    target.commit();
                }
            }
        }
        return ExitCodes.OK;
    }

    private void write(List<LayerBlob> layers, OutputStream out, ProgressDisplay progress) throws java.io.IOException {
        // no end blocks after a failure: a reader of stdout must see a truncated archive, never a complete one
        TarSink sink = new TarSink(out);
        try {
            new Flattener(progress).flatten(layers, sink);
        } catch (dev.shed.core.layer.LayerIntegrityException e) {
            throw e.inImage("image " + name);
        }
        sink.close();
    }
}
