package io.notifyhub.api.job;

import io.notifyhub.model.Channel;
import java.util.Map;

/** A validated request: the channel and the payload as it will be stored. */
record NewJob(Channel type, Map<String, Object> payload) {
}
