package dev.shed.registry.http;

import java.io.IOException;

/** The registry answered with an error status; the message names the request and the registry's own error text. */
public class RegistryResponseException extends IOException {
    private final int status;

    public RegistryResponseException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** 5xx and 429 are worth retrying; other 4xx are the caller's fault (or missing/denied) and are final. */
    public boolean retryable() {
        return status == 429 || status >= 500;
    }
}
