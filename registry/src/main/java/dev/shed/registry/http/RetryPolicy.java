package dev.shed.registry.http;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how long to wait before retrying a failed request: exponential backoff with "equal jitter"
 * (half fixed, half random, so concurrent clients spread out), capped; a server's Retry-After wins when given,
 * up to {@code maxRetryAfter}.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxRetryAfter) {
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(20), Duration.ofSeconds(120));

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    }

    /** Delay before attempt {@code attempt + 1}, where {@code attempt} counts from 1. */
    public Duration backoff(int attempt) {
        long cap = maxDelay.toMillis();
        long exp = initialDelay.toMillis() << Math.min(attempt - 1, 20);
        long base = Math.min(cap, Math.max(1, exp));
        long half = base / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    /** The server's requested delay, capped. */
    public Duration retryAfter(Duration requested) {
        return requested.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : requested;
    }
}
