package io.microllm.spi;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendsTest {
    record FakeProvider(String name, List<DeviceInfo> devices, int spiVersion) implements BackendProvider {
        @Override
        public Backend open(DeviceInfo device, BackendOptions options) { throw new UnsupportedOperationException(); }
    }

    static DeviceInfo dev(String p, String id, int score) {
        return new DeviceInfo(p, id, p + id, DeviceKind.CPU, 0, Set.of(), score, score == 0 ? "broken" : null);
    }

    final Backends backends = Backends.of(List.of(
            new FakeProvider("cpu", List.of(dev("cpu", "0", 100)), BackendProvider.SPI_VERSION),
            new FakeProvider("gpu", List.of(dev("gpu", "0", 0), dev("gpu", "1", 300)), BackendProvider.SPI_VERSION),
            new FakeProvider("old", List.of(dev("old", "0", 999)), BackendProvider.SPI_VERSION + 1)));

    @Test
    void ranksUsableDevicesByScoreAndIgnoresWrongSpiVersion() {
        assertEquals(List.of("gpu:1", "cpu:0"), backends.ranked().stream().map(DeviceInfo::qualifiedId).toList());
        var old = backends.providers().get(2);
        assertNull(old.provider());
        assertTrue(old.devices().getFirst().unusableReason().contains("SPI version"));
    }

    @Test
    void explicitChoiceOverridesScore() {
        assertEquals("cpu:0", backends.choose("cpu").qualifiedId());
        assertEquals("gpu:1", backends.choose("gpu").qualifiedId());
        assertEquals("gpu:1", backends.choose(null).qualifiedId());
    }

    @Test
    void clearErrorsForUnknownOrUnusableChoices() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> backends.choose("tpu")).getMessage().contains("unknown backend 'tpu'"));
        assertTrue(assertThrows(IllegalStateException.class, () -> backends.choose("gpu:0")).getMessage().contains("broken"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> backends.choose("gpu:7")).getMessage().contains("no device '7'"));
    }

    @Test
    void scoreZeroNeedsAReason() {
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceInfo("x", "0", "x", DeviceKind.GPU, 0, Set.of(), 0, " "));
    }
}
