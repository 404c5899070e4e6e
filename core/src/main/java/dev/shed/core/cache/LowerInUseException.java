package dev.shed.core.cache;

/** A lower cannot be evicted: a running shed has it mounted (or its lock is held by a build or a mount). */
public final class LowerInUseException extends RuntimeException {
    public LowerInUseException(String message) {
        super(message);
    }
}
