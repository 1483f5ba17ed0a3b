package io.microllm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BandwidthProbeTest {

    @Test
    void reportsAPositiveFigurePerThreadCount() {
        List<BandwidthProbe.Bandwidth> result = new BandwidthProbe(16L << 20, 1, 3).measure(1, 2);
        assertEquals(List.of(1, 2), result.stream().map(BandwidthProbe.Bandwidth::threads).toList());
        for (BandwidthProbe.Bandwidth b : result) {
            assertTrue(Double.isFinite(b.bestBytesPerSecond()) && b.bestBytesPerSecond() > 0, b.toString());
            assertTrue(b.medianBytesPerSecond() > 0 && b.medianBytesPerSecond() <= b.bestBytesPerSecond(), b.toString());
        }
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new BandwidthProbe(1024, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> new BandwidthProbe(16L << 20, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new BandwidthProbe(16L << 20, 1, 1).measure(0));
    }
}
