package io.notifyhub.model;

import org.bson.types.ObjectId;

/** Job ids are MongoDB ObjectIds, shown as 24 hex characters. */
public final class JobIds {

    private JobIds() {}

    public static boolean isValid(String id) {
        return id != null && ObjectId.isValid(id);
    }
}
