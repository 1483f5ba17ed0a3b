package io.microllm.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianIgnoresOneDisturbedRun() {
        Stats s = Stats.of(10, 12, 11, 2, 13);
        assertEquals(11, s.median());
        assertEquals(9.6, s.mean(), 1e-12);
        assertEquals(2, s.min());
        assertEquals(13, s.max());
        assertEquals(Math.sqrt(77.2 / 4), s.stdev(), 1e-12); // sample standard deviation
        assertArrayEquals(new double[] {10, 12, 11, 2, 13}, s.samples());
        assertEquals("11.0 ± 4.4", s.format());
    }

    @Test
    void evenCountAveragesTheMiddleTwo() {
        assertEquals(2.5, Stats.of(4, 1, 2, 3).median());
        assertEquals(0, Stats.of(7).stdev());
    }

    @Test
    void noSamplesIsAnError() {
        assertThrows(IllegalArgumentException.class, Stats::of);
    }
}
