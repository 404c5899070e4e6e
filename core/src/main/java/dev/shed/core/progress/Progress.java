package dev.shed.core.progress;

/**
 * Where long work reports how far it got. The CLI renders it as docker-like bars on a terminal and as plain
 * lines otherwise; library callers pass {@link #NONE}. Implementations are thread-safe.
 */
public interface Progress {

    /** One tracked unit of work (a layer download, a materialize). */
    interface Task {
        /** Adds {@code delta} units (bytes, entries) of progress. */
        void advance(long delta);

        /** Sets the absolute progress (e.g. after a resume). */
        void set(long done);

        /** Changes the phase shown beside the task ("Waiting" → "Downloading"). */
        default void setLabel(String label) {}

        /** Ends the task with a short status ("Pull complete", "Already exists"). */
        void finish(String status);
    }

    /**
     * Starts a task. {@code id} is short and stable (e.g. a short digest), {@code label} the current phase
     * ("Downloading"), {@code total} the expected units or -1 when unknown.
     */
    Task start(String id, String label, long total);

    /** A free-form status line ("Digest: sha256:…"). */
    void message(String line);

    Progress NONE = new Progress() {
        private final Task none = new Task() {
            @Override public void advance(long delta) {}
            @Override public void set(long done) {}
            @Override public void finish(String status) {}
        };

        @Override
        public Task start(String id, String label, long total) {
            return none;
        }

        @Override
        public void message(String line) {}
    };
}
