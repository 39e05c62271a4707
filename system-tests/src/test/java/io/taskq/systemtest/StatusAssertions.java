package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Checks on the JSON of {@code taskq status --json}. */
final class StatusAssertions {
    private StatusAssertions() {
    }

    /**
     * The stream is sealed at {@code count} tasks and each was handled exactly once: every counter equals
     * {@code count}, and the totals and the per-slot figures add up exactly to the expected sums.
     */
    static void assertAllDoneExactlyOnce(JsonNode status, long count, long sumValue, double sumPayload) {
        String s = "status: " + status.toPrettyString();
        assertEquals(count, status.get("submitted").asLong(), "submitted; " + s);
        assertEquals(count, status.get("claimed").asLong(), "claimed; " + s);
        assertEquals(count, status.get("done").asLong(), "done; " + s);
        assertEquals(count, status.get("watermark").asLong(), "watermark; " + s);
        assertEquals(0, status.get("backlog").asLong(), "backlog; " + s);
        assertTrue(status.get("sealed").asBoolean(), "sealed; " + s);
        assertEquals(count, status.get("sealedCount").asLong(), "sealedCount; " + s);
        assertTrue(status.get("allDone").asBoolean(), "allDone; " + s);
        assertEquals(sumValue, status.get("sumValue").asLong(), "sumValue against the closed form; " + s);
        assertEquals(sumPayload, status.get("sumPayload").asDouble(), "sumPayload against the closed form; " + s);

        long done = 0;
        long slotSumValue = 0;
        double slotSumPayload = 0;
        for (JsonNode slot : status.get("slots")) {
            done += slot.get("done").asLong();
            slotSumValue += slot.get("sumValue").asLong();
            slotSumPayload += slot.get("sumPayload").asDouble();
            assertEquals(0, slot.get("inFlight").asLong(),
                    "slot " + slot.get("index") + " has nothing in flight; " + s);
        }
        assertEquals(count, done, "per-slot done adds up; " + s);
        assertEquals(sumValue, slotSumValue, "per-slot sumValue adds up to the closed form; " + s);
        assertEquals(sumPayload, slotSumPayload, "per-slot sumPayload adds up to the closed form; " + s);
    }

    /** The entry for slot {@code index} in {@code slots[]}; fails if there is none. */
    static JsonNode slot(JsonNode status, int index) {
        for (JsonNode slot : status.get("slots"))
            if (slot.get("index").asInt() == index)
                return slot;
        return fail("no slot " + index + " in status: " + status.toPrettyString());
    }
}
