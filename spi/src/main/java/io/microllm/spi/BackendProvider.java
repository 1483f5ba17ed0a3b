package io.microllm.spi;

import java.util.List;

/**
 * The {@link java.util.ServiceLoader} service a backend jar registers (in {@code module-info} {@code provides} and in
 * {@code META-INF/services/io.microllm.spi.BackendProvider}). Needs a public no-arg constructor.
 *
 * <p>Construction and {@link #devices()} must be cheap and must not throw: a missing driver or library is reported
 * as a device with score 0 and a reason. Heavy work (contexts, kernel compilation, thread pools) happens in
 * {@link #open}.
 */
public interface BackendProvider {

    /** The SPI version this jar was built against; the runtime refuses providers of another version. */
    int SPI_VERSION = 1;

    /** Short lower-case name used on the command line: "cpu", "opencl", "tornado". */
    String name();

    default int spiVersion() { return SPI_VERSION; }

    /** Every device this provider sees, scored. Never empty: if nothing is usable, one entry says why. */
    List<DeviceInfo> devices();

    /** Opens a device returned by {@link #devices()} that has a score above 0. */
    Backend open(DeviceInfo device, BackendOptions options);
}
