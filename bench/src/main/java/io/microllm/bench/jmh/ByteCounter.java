package io.microllm.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bytes moved, in GB (10^9). In throughput mode with a one-second time unit JMH reports this counter per second,
 * so the secondary result {@code gigabytes} reads directly as GB/s (JMH labels it "ops/s").
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ByteCounter {
    public double gigabytes;

    @Setup(Level.Iteration)
    public void reset() { gigabytes = 0; }

    void add(long bytes) { gigabytes += bytes * 1e-9; }
}
