package dev.shed.cli.image;

import dev.shed.core.image.ImageLimits;
import dev.shed.core.oci.Platform;
import picocli.CommandLine.Option;

/** Options shared by the commands that bring images in (build, load, import). */
public final class ImportOptions {
    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Only this platform: picks it from a multi-platform index (the index is kept, with just that "
                    + "manifest) and refuses a single-platform image built for another one. Spelling is normalised "
                    + "(x86_64=amd64, aarch64=arm64/v8).")
    String platform;

    @Option(names = "--max-layers", paramLabel = "N",
            description = "Refuse images with more than N layers (default: " + ImageLimits.DEFAULT_MAX_LAYERS + ", the MaxLayers limit).")
    Integer maxLayers;

    public Platform platform() {
        return platform == null ? null : Platform.parse(platform);
    }

    public ImageLimits limits() {
        return ImageLimits.of(maxLayers);
    }
}
