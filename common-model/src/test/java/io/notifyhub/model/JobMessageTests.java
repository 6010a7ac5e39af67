package io.notifyhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobMessageTests {

    @Test
    void shouldRoundTripThroughItsWireForm() {
        String id = new ObjectId().toHexString();

        byte[] body = JobMessage.of(id).toBytes();

        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"v\":1,\"id\":\"" + id + "\"}");
        assertThat(JobMessage.parse(body)).isEqualTo(new JobMessage(1, id));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "[]",
                "{\"v\":2,\"id\":\"6b03a7be21696230af70cb50\"}",
                "{\"v\":1}",
                "{\"v\":1,\"id\":\"nope\"}",
                "{\"v\":1,\"id\":42}"
            })
    void shouldRefuseAnythingButAKnownVersionWithAValidId(String body) {
        assertThatThrownBy(() -> JobMessage.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JobMessage.PoisonMessageException.class);
    }
}
