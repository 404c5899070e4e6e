package dev.shed.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {
    @Test
    void parsesBearerWithQuotedCommas() {
        AuthChallenge c = AuthChallenge.parse(
                "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\"");
        assertThat(c.isBearer()).isTrue();
        assertThat(c.param("realm")).isEqualTo("https://auth.example.com/token");
        assertThat(c.param("service")).isEqualTo("registry.example.com");
        assertThat(c.param("scope")).isEqualTo("repository:a/b:pull,push");
    }

    @Test
    void parsesBasicAndUnquotedValues() {
        AuthChallenge c = AuthChallenge.parse("Basic realm=shed-test, charset=\"UTF-8\"");
        assertThat(c.isBasic()).isTrue();
        assertThat(c.param("realm")).isEqualTo("shed-test");
        assertThat(c.param("charset")).isEqualTo("UTF-8");
    }
}
