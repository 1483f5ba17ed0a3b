package io.microllm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's streaming read bandwidth as Java sees it: {@code threads} threads each sum their own slice
 * of one off-heap array far larger than any cache, with the Vector API. Token generation reads every weight once
 * per token, so this is the ceiling it can reach: tokens/s ≤ bandwidth / bytes read per token.
 */
public final class BandwidthProbe {

    /** One thread count's result: the best pass (the attainable ceiling) and the median pass (what contention left). */
    public record Bandwidth(int threads, double bestBytesPerSecond, double medianBytesPerSecond) {
        public double bestGBps() { return bestBytesPerSecond / 1e9; }

        public double medianGBps() { return medianBytesPerSecond / 1e9; }
    }

    private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
    private static volatile long sink;

    private final long bytes;
    private final int warmupPasses;
    private final int passes;

    /**
     * @param bytes  array size; it must dwarf the last-level cache (256 MiB does on common CPUs)
     * @param passes timed scans per thread count, after {@code warmupPasses} untimed ones (JIT, page faults)
     */
    public BandwidthProbe(long bytes, int warmupPasses, int passes) {
        if (bytes < (1 << 20) || passes < 1 || warmupPasses < 0) {
            throw new IllegalArgumentException("need at least 1 MiB and one pass, got " + bytes + " bytes, " + passes + " passes");
        }
        this.bytes = bytes - bytes % (64L * 1024);
        this.warmupPasses = warmupPasses;
        this.passes = passes;
    }

    /** Far larger than any last-level cache in common CPUs, small enough for any machine that runs a model. */
    public static final long STANDARD_BYTES = 256L << 20;

    public static BandwidthProbe standard() { return new BandwidthProbe(STANDARD_BYTES, 3, 10); }

    public long bytes() { return bytes; }

    /** Bandwidth for each thread count, in the order given. */
    public List<Bandwidth> measure(int... threadCounts) {
        int maxThreads = Arrays.stream(threadCounts).max().orElseThrow(() -> new IllegalArgumentException("no thread counts"));
        if (Arrays.stream(threadCounts).anyMatch(t -> t < 1)) throw new IllegalArgumentException("thread counts must be >= 1: " + Arrays.toString(threadCounts));
        List<Bandwidth> result = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(maxThreads, r -> Thread.ofPlatform().daemon().name("microllm-bandwidth").unstarted(r));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment data = arena.allocate(bytes, 64);
            data.fill((byte) 1); // every page faulted in before timing
            for (int t : threadCounts) result.add(measure(pool, data, t));
        } finally {
            pool.shutdownNow();
        }
        return result;
    }

    private Bandwidth measure(ExecutorService pool, MemorySegment data, int threads) {
        long slice = bytes / threads;
        slice -= slice % (4L * L.vectorByteSize());
        List<Callable<Long>> scans = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            MemorySegment part = data.asSlice(i * slice, slice);
            scans.add(() -> sum(part));
        }
        double[] rates = new double[passes];
        for (int p = -warmupPasses; p < passes; p++) {
            long start = System.nanoTime();
            long s = 0;
            try {
                for (Future<Long> f : pool.invokeAll(scans)) s += f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("bandwidth probe interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("bandwidth probe failed", e.getCause());
            }
            long nanos = System.nanoTime() - start;
            sink += s;
            if (p >= 0) rates[p] = slice * threads * 1e9 / nanos;
        }
        Arrays.sort(rates);
        return new Bandwidth(threads, rates[passes - 1], rates[passes / 2]);
    }

    /** Four independent accumulators, so only memory limits the loop. */
    private static long sum(MemorySegment s) {
        long step = L.vectorByteSize();
        LongVector a0 = LongVector.zero(L), a1 = a0, a2 = a0, a3 = a0;
        for (long o = 0; o < s.byteSize(); o += 4 * step) {
            a0 = a0.add(LongVector.fromMemorySegment(L, s, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(LongVector.fromMemorySegment(L, s, o + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(LongVector.fromMemorySegment(L, s, o + 2 * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(LongVector.fromMemorySegment(L, s, o + 3 * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }
}
