package dev.shed.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The streaming tree reader/writer must agree with Jackson's ObjectMapper, which it replaces for speed. */
class JsonTest {
    private static final String DOC = "{\"s\":\"é \\\"q\\\" \\u0001\",\"i\":7,\"l\":12345678901,\"big\":123456789012345678901234567890,"
            + "\"d\":1.5,\"t\":true,\"f\":false,\"n\":null,\"a\":[1,{\"x\":[]},[]],\"o\":{},\"dup\":1,\"dup\":2}";

    @Test
    void readsTheSameTreeAsTheMapper() throws Exception {
        byte[] raw = DOC.getBytes(StandardCharsets.UTF_8);
        JsonNode ours = Json.parseObject(raw, "doc");
        assertThat(ours).isEqualTo(Json.mapper().readTree(raw));
        assertThat(ours.get("l").isLong()).isTrue();
        assertThat(ours.get("dup").asInt()).isEqualTo(2);
    }

    @Test
    void writesTheSameBytesAsTheMapper() throws Exception {
        JsonNode tree = Json.mapper().readTree(DOC);
        assertThat(Json.bytes(tree)).isEqualTo(Json.mapper().writeValueAsBytes(tree));
        assertThat(Json.pretty(tree)).isEqualTo(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree));
    }

    @Test
    void refusesBrokenDocumentsWithOneLine() {
        assertThatThrownBy(() -> Json.parseObject("{\"a\":".getBytes(), "doc")).hasMessageStartingWith("doc: invalid JSON").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Json.parseObject(new byte[0], "doc")).hasMessageContaining("empty document");
        assertThatThrownBy(() -> Json.parseObject("[1]".getBytes(), "doc")).hasMessageContaining("not a JSON object");
        assertThat(Json.parse("[1]".getBytes(), "doc").isArray()).isTrue();
    }
}
