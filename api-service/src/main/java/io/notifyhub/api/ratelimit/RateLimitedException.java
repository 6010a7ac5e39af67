package io.notifyhub.api.ratelimit;

/** A client went over its submission limit; nothing was stored. */
public class RateLimitedException extends RuntimeException {

    private final long limit;
    private final long windowSeconds;
    private final long retryAfterSeconds;

    RateLimitedException(long limit, long windowSeconds, long retryAfterSeconds) {
        super("Rate limit exceeded: " + limit + " jobs per " + windowSeconds + " s; retry in " + retryAfterSeconds
                + " s.");
        this.limit = limit;
        this.windowSeconds = windowSeconds;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long limit() {
        return limit;
    }

    public long windowSeconds() {
        return windowSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
