package io.microllm.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Floating-point operations in GFLOP (10^9); reported per second, the {@code gflop} secondary result reads as GFLOP/s. */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() { gflop = 0; }

    void add(double flop) { gflop += flop * 1e-9; }
}
