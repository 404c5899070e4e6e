package dev.shed.core.shed;

/** The request conflicts with state: the name is taken, the shed is running, the snapshot exists. */
public final class ShedConflictException extends RuntimeException {
    public ShedConflictException(String message) {
        super(message);
    }
}
