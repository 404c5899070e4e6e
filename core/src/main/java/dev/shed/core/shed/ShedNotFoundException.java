package dev.shed.core.shed;

/** No shed or snapshot of that name. */
public final class ShedNotFoundException extends RuntimeException {
    public ShedNotFoundException(String message) {
        super(message);
    }
}
