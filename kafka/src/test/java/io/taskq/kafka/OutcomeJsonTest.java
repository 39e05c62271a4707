package io.taskq.kafka;

import io.taskq.common.store.TaskOutcome;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link OutcomeJson} writes the very bytes Jackson writes for {@link OutcomeMessage}, whatever the outcome holds. */
class OutcomeJsonTest {
    private static final String[] TEXTS = {"", "42", "plain text", "quote \" and backslash \\ and slash /",
        "control \b\t\n\f\r \u0000 \u0001 \u001f \u007f", "é ü ß", "日本語", "emoji \uD83D\uDE00", "\u2028\u2029"};

    @Test
    void shouldWriteTheSameJsonAsJacksonForEveryKindOfBodyKeyAndFigure() {
        List<byte[]> bodies = new ArrayList<>();
        for (String t : TEXTS)
            bodies.add(t.getBytes(StandardCharsets.UTF_8));
        bodies.add(new byte[]{(byte) 0xff, 0x00, 0x41});
        bodies.add(new byte[]{(byte) 0xc3});
        bodies.add(new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80});
        double[] payloads = {0, -0.0, 1.5, 17.0, 1e7, 1.0E-5, 123456789.125, Double.MAX_VALUE, Double.MIN_VALUE,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        long[] millis = {0, 1, -1, 1_796_036_911_204L, 253_402_300_799_999L, 253_402_300_800_000L,
            -62_167_219_200_000L, -62_167_219_200_001L, -2_208_988_800_000L, 951_782_400_000L, Long.MAX_VALUE / 4};
        OutcomeJson json = new OutcomeJson();
        int i = 0;
        for (byte[] body : bodies)
            for (byte[] key : bodies)
                check(json, new TaskOutcome(i, i % 2 == 0 ? TaskOutcome.Status.OK : TaskOutcome.Status.DEAD, body,
                        i * 7L - 3, payloads[i % payloads.length], i % 64, 1 + i % 5, millis[i % millis.length],
                        i * 1_000L), new Origin(i, "tasks", i % 6, i * 13L, key), "h" + (i++));
        check(json, new TaskOutcome(-1, TaskOutcome.Status.DEAD, "too big".getBytes(StandardCharsets.UTF_8), 0, 0, 0,
                0, 5, 0), new Origin(-1, "t.a_b-c", 3, Long.MAX_VALUE, null), "host-1");
        SplittableRandom random = new SplittableRandom(12);
        for (int n = 0; n < 20_000; n++) {
            byte[] body = new byte[random.nextInt(12)];
            for (int b = 0; b < body.length; b++)
                body[b] = (byte) random.nextInt(random.nextBoolean() ? 128 : 256);
            long when = random.nextLong(-70_000_000_000_000L, 260_000_000_000_000L);
            check(json, new TaskOutcome(random.nextLong(Long.MAX_VALUE), TaskOutcome.Status.OK, body,
                    random.nextLong(), Double.longBitsToDouble(random.nextLong()), random.nextInt(64),
                    random.nextInt(1, 10), when, random.nextLong(Long.MAX_VALUE)),
                    new Origin(n, "tasks", random.nextInt(100), random.nextLong(Long.MAX_VALUE), body), "h");
        }
    }

    private static void check(OutcomeJson json, TaskOutcome outcome, Origin origin, String host) {
        String expected = OutcomeMessage.of(outcome, origin, host).toJsonLine();
        assertEquals(expected, new String(json.encode(outcome, origin, host), StandardCharsets.UTF_8));
    }
}
