package dev.shed.core.flatten;

import dev.shed.core.testing.OciLayoutBuilder;

/** Public door to the shared flatten cases, for tests in other packages. */
public final class FlattenCasesAccess {
    private FlattenCasesAccess() {}

    public static OciLayoutBuilder.Layer[] kitchenSink(boolean forUmoci) {
        return FlattenCases.kitchenSink(forUmoci);
    }

    /** A 10,000-entry directory (plain tar), a 256 MiB mostly-zero file, the empty gzip layer. */
    public static OciLayoutBuilder.Layer[] bigCases() {
        return new OciLayoutBuilder.Layer[] {FlattenCases.bigDirectory(10_000), FlattenCases.mostlyZeroFile("var/zero.img", 256L << 20),
                new OciLayoutBuilder.Layer(dev.shed.core.oci.MediaType.OCI_LAYER_GZIP, FlattenCases.EMPTY_GZIP_LAYER)};
    }

    public static OciLayoutBuilder.Layer[] crossLayerLinks() {
        return FlattenCases.crossLayerLinks();
    }
}
