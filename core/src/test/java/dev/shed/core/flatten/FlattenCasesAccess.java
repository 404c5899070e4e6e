package dev.shed.core.flatten;

import dev.shed.core.testing.OciLayoutBuilder;

/** Public door to the shared flatten cases, for tests in other packages. */
public final class FlattenCasesAccess {
    private FlattenCasesAccess() {}

    public static OciLayoutBuilder.Layer[] kitchenSink(boolean forUmoci) {
        return FlattenCases.kitchenSink(forUmoci);
    }
}
