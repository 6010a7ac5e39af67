package io.notifyhub.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.api.support.ApiIntegrationTest;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/** Without an OTLP endpoint no exporter exists, so nothing is sent anywhere, and requests are traced and answered. */
@AutoConfigureTracing
@TestPropertySource(properties = "management.tracing.sampling.probability=1.0")
class TracingWithoutExportTests extends ApiIntegrationTest {

    @Autowired
    ApplicationContext context;

    @Test
    void shouldExportNothingAndFailNothingWithoutAnEndpoint() {
        assertThat(context.getBeansOfType(SpanExporter.class)).isEmpty();

        HttpResponse<String> created = postJson("""
                {"type":"email","payload":{"recipient":"a@example.com","subject":"s","body":"b"}}""");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
}
