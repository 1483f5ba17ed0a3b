package io.microllm.backend.tornado;

import io.microllm.spi.DeviceInfo;

/** Prints what the provider reports, one device a line; {@link ProviderWithoutTornadoTest} runs it in a fresh JVM. */
public final class PrintTornadoDevices {
    private PrintTornadoDevices() {}

    public static void main(String[] args) {
        for (DeviceInfo d : new TornadoBackendProvider().devices()) {
            System.out.println(d.qualifiedId() + " score=" + d.score() + " reason=" + d.unusableReason());
        }
    }
}
