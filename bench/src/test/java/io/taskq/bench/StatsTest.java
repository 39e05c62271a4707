package io.taskq.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsTest {
    @Test
    void medianOfAnOddCountIsTheMiddleValueWhateverTheOrder() {
        Stats s = Stats.of(List.of(3.0, 1.0, 2.0));
        assertEquals(2.0, s.median());
        assertEquals(1.0, s.min());
        assertEquals(3.0, s.max());
        assertEquals(List.of(3.0, 1.0, 2.0), s.runs());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, Stats.of(List.of(4.0, 1.0, 2.0, 3.0)).median());
    }

    @Test
    void aFigureWritesTheSameAfterItIsReadBackEvenWhenItRoundsToAWholeNumber() throws Exception {
        // 63621.9996 shows as 63622.000: written as 63622, as the 63622 it reads back as is.
        Stats s = Stats.of(List.of(63621.9996, 63622.0, 20753.63, 2409.0004));
        String once = BenchJson.write(s);
        assertTrue(once.replaceAll("\\s", "").contains("\"runs\":[63622,63622,20753.630,2409]"), once);
        assertEquals(once, BenchJson.write(BenchJson.read(once, Stats.class)));
    }

    @Test
    void noRunsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Stats.of(List.of()));
    }
}
