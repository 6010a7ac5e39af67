package io.notifyhub.api.auth;

import io.notifyhub.model.store.Job;

/**
 * Who is calling, as the API key says: a client, maybe with the admin scope. A client sees only its own jobs;
 * an admin sees all.
 */
public record Caller(String clientId, boolean admin) {

    /** The request attribute the authentication filter stores the caller under. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public boolean canSee(Job job) {
        return admin || clientId.equals(job.clientId());
    }

    /** The client filter for queries: {@code null} (all clients) for an admin. */
    public String scope() {
        return admin ? null : clientId;
    }
}
