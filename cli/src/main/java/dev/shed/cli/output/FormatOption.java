package dev.shed.cli.output;

import picocli.CommandLine.Option;

/** {@code --format table|json}: JSON for scripts, a table for people. */
public final class FormatOption {
    public enum Format { table, json }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). JSON has full digests and byte sizes.")
    Format format = Format.table;

    public boolean json() {
        return format == Format.json;
    }
}
