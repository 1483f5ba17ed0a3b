package io.microllm.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads that split one job at a time into chunks. The calling thread works too, so
 * {@code threads} = 1 runs everything inline. Nothing is allocated per job: tasks are long-lived objects whose
 * fields the backend sets before {@link #run}.
 *
 * <p>Ops follow each other within microseconds during a forward pass, so idle workers spin briefly before they
 * park: waking a parked thread costs tens of microseconds, as much as a small mat-vec. Past the first few
 * microseconds the spinning thread yields, so a worker that the OS preempted on the same core (the machine may be
 * shared) gets to finish its chunk instead of being starved by the one waiting for it.
 */
final class WorkerPool implements AutoCloseable {

    /** One parallel job; {@code run} is called once per chunk, from any worker, with that worker's scratch. */
    interface Task {
        void run(int chunk, Scratch scratch);
    }

    private static final long SPIN_NANOS = 100_000;
    private static final long BUSY_SPIN_NANOS = 10_000;

    private final Thread[] helpers;
    private final Scratch[] scratch;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicInteger busyHelpers = new AtomicInteger();
    private Task task;
    private int chunks;
    private volatile int generation;
    private volatile boolean closed;
    private volatile Thread caller;
    private volatile Throwable failure;

    WorkerPool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        scratch = new Scratch[threads];
        for (int i = 0; i < threads; i++) scratch[i] = new Scratch();
        helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            int index = i + 1;
            helpers[i] = Thread.ofPlatform().name("microllm-cpu-" + index).daemon().unstarted(() -> helperLoop(index));
            helpers[i].start();
        }
    }

    int threads() { return scratch.length; }

    /** The calling thread's scratch, for work done outside {@link #run}. */
    Scratch callerScratch() { return scratch[0]; }

    /** Runs {@code task} for chunks {@code 0..chunks-1} on all threads and returns when every chunk is done. */
    void run(int chunks, Task task) {
        if (closed) throw new IllegalStateException("the CPU backend is closed");
        if (helpers.length == 0 || chunks <= 1) {
            for (int c = 0; c < chunks; c++) task.run(c, scratch[0]);
            return;
        }
        this.task = task;
        this.chunks = chunks;
        this.failure = null;
        this.caller = Thread.currentThread();
        nextChunk.set(0);
        busyHelpers.set(helpers.length);
        generation++; // volatile write: publishes the fields above to the helpers
        for (Thread h : helpers) LockSupport.unpark(h);
        try {
            work(scratch[0]);
        } catch (Throwable t) {
            fail(t);
        }
        long start = System.nanoTime();
        while (busyHelpers.get() != 0) idle(start);
        this.task = null;
        Throwable t = failure;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }

    /** One step of waiting that began at {@code start}: spin, then yield, then park until unparked. */
    private void idle(long start) {
        long waited = System.nanoTime() - start;
        if (waited < BUSY_SPIN_NANOS) Thread.onSpinWait();
        else if (waited < SPIN_NANOS) Thread.yield();
        else LockSupport.park(this);
    }

    private void work(Scratch s) {
        Task t = task;
        int n = chunks;
        for (int c; (c = nextChunk.getAndIncrement()) < n; ) t.run(c, s);
    }

    private void fail(Throwable t) {
        if (failure == null) failure = t;
        nextChunk.set(Integer.MAX_VALUE / 2); // the others stop taking chunks
    }

    private void helperLoop(int index) {
        int seen = 0;
        while (true) {
            long start = System.nanoTime();
            while (generation == seen && !closed) idle(start);
            if (closed) return;
            seen = generation;
            try {
                work(scratch[index]);
            } catch (Throwable t) {
                fail(t);
            }
            if (busyHelpers.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) LockSupport.unpark(h);
        for (Thread h : helpers) {
            try {
                h.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
