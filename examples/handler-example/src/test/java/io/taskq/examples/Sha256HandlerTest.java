package io.taskq.examples;

import io.taskq.common.Task;
import io.taskq.common.TaskResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Sha256HandlerTest {
    private static String hash(Sha256Handler handler, String body) {
        TaskResult result = new TaskResult();
        handler.handle(Task.of(0, 0, 0, 0, body.getBytes(StandardCharsets.UTF_8)), result);
        assertEquals(body.getBytes(StandardCharsets.UTF_8).length, result.value());
        return new String(result.bodyBytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void shouldReplyWithTheLowercaseHexSha256OfTheBody() {
        Sha256Handler handler = new Sha256Handler();
        // FIPS 180-2's test vectors; the same instance again, as a consumer reuses it.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash(handler, "abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash(handler, ""));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                hash(handler, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    }
}
