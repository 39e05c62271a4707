package io.taskq.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SuggestionsTest {
    private static final List<String> COMMANDS = List.of("demo", "produce", "consume", "status", "join", "tail",
            "bench", "doctor", "completion", "help");
    private static final List<String> OPTIONS = List.of("--count", "--input", "--rate", "--wait-consumers", "--seal",
            "--join", "--timeout", "--verify", "--data-dir", "--config", "-v", "--verbose", "-h", "--help");

    @Test
    void shouldSuggestTheNameOneTypoAway() {
        assertEquals(List.of("produce"), Suggestions.closest("produse", COMMANDS));
        assertEquals(List.of("tail"), Suggestions.closest("tial", COMMANDS));
        assertEquals(List.of("--count"), Suggestions.closest("--cuont", OPTIONS));
        assertEquals(List.of("--seal"), Suggestions.closest("--sael", OPTIONS));
        assertEquals(List.of("--data-dir"), Suggestions.closest("--datadir", OPTIONS));
    }

    @Test
    void shouldSuggestTheNamesAnAbbreviationStarts() {
        assertEquals(List.of("--wait-consumers"), Suggestions.closest("--wait", OPTIONS));
        assertEquals(List.of("completion"), Suggestions.closest("compl", COMMANDS));
    }

    @Test
    void shouldSuggestNothingForANameFarFromEvery() {
        assertEquals(List.of(), Suggestions.closest("frobnicate", COMMANDS));
        assertEquals(List.of(), Suggestions.closest("--xyz", OPTIONS));
    }

    @Test
    void shouldCountASwapOfNeighboursAsOneEdit() {
        assertEquals(1, Suggestions.distance("cuont", "count"));
        assertEquals(1, Suggestions.distance("produse", "produce"));
        assertEquals(0, Suggestions.distance("tail", "tail"));
        assertEquals(4, Suggestions.distance("", "tail"));
    }
}
