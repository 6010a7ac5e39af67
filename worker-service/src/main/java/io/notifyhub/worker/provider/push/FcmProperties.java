package io.notifyhub.worker.provider.push;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Firebase Cloud Messaging HTTP v1. The provider exists only when a service account is given, as JSON in
 * the environment ({@code NOTIFYHUB_PROVIDERS_FCM_SERVICE_ACCOUNT_JSON}) or as a file path.
 *
 * @param baseUrl            the FCM API's root (tests point it at WireMock)
 * @param serviceAccountJson the service account key (JSON, as downloaded from the Firebase console)
 * @param serviceAccountFile or a path to that file
 * @param projectId          the Firebase project; default: the service account's {@code project_id}
 * @param tokenUri           where the signed JWT is exchanged for an access token; default: the service
 *                           account's {@code token_uri}
 * @param connectTimeout     bound on opening a connection
 * @param timeout            bound on each request, answer included
 */
@ConfigurationProperties("notifyhub.providers.fcm")
public record FcmProperties(
        @DefaultValue("https://fcm.googleapis.com") URI baseUrl,
        String serviceAccountJson,
        Path serviceAccountFile,
        String projectId,
        URI tokenUri,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration timeout) {}
