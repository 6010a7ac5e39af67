package io.notifyhub.api.job;

/** One reason a request was refused: the field (a JSON path such as {@code payload.phone}) and why. */
public record FieldProblem(String field, String reason) {}
