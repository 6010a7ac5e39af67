package io.notifyhub.api.config;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/** RFC 9457 problems written by servlet filters, which answer before any controller advice can. */
public final class ProblemResponses {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {}

    /**
     * Answers a request refused before its body was read, without reading the body: the input is switched to
     * non-blocking first, so that the container drains only what has already arrived and then closes the
     * connection, where a blocking drain would hold a thread for as long as a slow client takes to send.
     */
    public static void refuseUnread(
            HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title, String detail)
            throws IOException {
        if (request.getContentLengthLong() == 0 || !request.isAsyncSupported() || request.isAsyncStarted()) {
            write(response, status, title, detail);
            return;
        }
        AsyncContext async = request.startAsync();
        request.getInputStream().setReadListener(new ReadListener() {
            @Override
            public void onDataAvailable() {
                // left unread: the connection closes after the answer
            }

            @Override
            public void onAllDataRead() {}

            @Override
            public void onError(Throwable t) {}
        });
        response.setHeader(HttpHeaders.CONNECTION, "close");
        write(response, status, title, detail);
        async.complete();
    }

    public static void write(HttpServletResponse response, HttpStatus status, String title, String detail)
            throws IOException {
        write(response, status, title, detail, null);
    }

    /** A {@code 400} naming one bad field and why, as the controllers' are. */
    public static void writeInvalid(HttpServletResponse response, String field, String reason) throws IOException {
        write(
                response,
                HttpStatus.BAD_REQUEST,
                "Invalid request",
                "The request is invalid.",
                List.of(Map.of("field", field, "reason", reason)));
    }

    private static void write(
            HttpServletResponse response,
            HttpStatus status,
            String title,
            String detail,
            List<Map<String, String>> errors)
            throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        if (errors != null) {
            problem.put("errors", errors);
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        // bytes, not a writer: a writer would add a charset to the content type, and JSON is UTF-8 anyway
        response.getOutputStream().write(JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8));
    }
}
