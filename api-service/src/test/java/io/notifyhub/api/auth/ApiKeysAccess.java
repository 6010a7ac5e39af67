package io.notifyhub.api.auth;

/** Lets tests in other packages store a key document as the service would. */
public final class ApiKeysAccess {

    private ApiKeysAccess() {}

    public static String hash(String key) {
        return ApiKeys.hash(key);
    }
}
