package io.microllm.conformance;

import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.BackendProvider;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** A provider for tests: one device that opens {@code opener}'s backend, or one unusable device. */
record TestProvider(String name, DeviceInfo device, Supplier<Backend> opener) implements BackendProvider {

    static TestProvider usable(String name, Supplier<Backend> opener) {
        return new TestProvider(name, new DeviceInfo(name, "0", name + " test device", DeviceKind.CPU, 0, Set.of(), 5, null), opener);
    }

    static TestProvider unusable(String name, String reason) {
        return new TestProvider(name, DeviceInfo.unusable(name, reason), () -> { throw new IllegalStateException("unusable"); });
    }

    @Override public List<DeviceInfo> devices() { return List.of(device); }

    @Override public Backend open(DeviceInfo device, BackendOptions options) { return opener.get(); }
}
