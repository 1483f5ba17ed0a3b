package io.microllm.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code microllm bench} measures, with llama-bench's defaults.
 *
 * @param models          GGUF files; empty = the synthetic SmolLM2-135M-shaped model in Q8_0 and Q4_0
 * @param promptTokens    prompt length for prompt processing (-p)
 * @param generatedTokens tokens generated after the prompt (-n); their speed is generation speed
 * @param repetitions     measured runs per row (-r); the median is reported
 * @param warmups         unmeasured runs per row first (JIT, caches, lazy uploads)
 * @param threads         thread counts for the cpu backend (-t); empty = 1 and all cores. Other backends run once,
 *                        with the largest count for work they hand to the host
 * @param backends        {@code NAME} or {@code NAME:DEVICE} entries to restrict to; empty = every usable device
 * @param peer            also run llama.cpp on the same files, prompts and thread counts
 */
public record BenchSettings(List<Path> models, int promptTokens, int generatedTokens, int repetitions, int warmups,
                            List<Integer> threads, List<String> backends, boolean peer) {

    public BenchSettings {
        models = List.copyOf(models);
        threads = List.copyOf(threads);
        backends = List.copyOf(backends);
        if (promptTokens < 1) throw new IllegalArgumentException("-p must be at least 1, got " + promptTokens);
        if (generatedTokens < 2) throw new IllegalArgumentException("-n must be at least 2 (generation speed is timed between tokens), got " + generatedTokens);
        if (repetitions < 1) throw new IllegalArgumentException("-r must be at least 1, got " + repetitions);
        if (warmups < 0) throw new IllegalArgumentException("warm-up runs must be >= 0, got " + warmups);
        if (threads.stream().anyMatch(t -> t < 1)) throw new IllegalArgumentException("thread counts must be >= 1, got " + threads);
    }

    public static BenchSettings defaults() { return new BenchSettings(List.of(), 64, 32, 5, 1, List.of(), List.of(), false); }

    /** The thread counts to run, ascending, without repeats. */
    public List<Integer> threadCounts() {
        List<Integer> t = threads.isEmpty() ? List.of(1, Runtime.getRuntime().availableProcessors()) : threads;
        return t.stream().distinct().sorted().toList();
    }

    /** KV-cache rows both engines allocate: room for the prompt, the generation and one spare, in 256-row steps. */
    int contextLength() { return (promptTokens + generatedTokens + 1 + 255) / 256 * 256; }

    public BenchSettings withModels(List<Path> m) { return new BenchSettings(m, promptTokens, generatedTokens, repetitions, warmups, threads, backends, peer); }

    public BenchSettings withTokens(int p, int n) { return new BenchSettings(models, p, n, repetitions, warmups, threads, backends, peer); }

    public BenchSettings withRepetitions(int r) { return new BenchSettings(models, promptTokens, generatedTokens, r, warmups, threads, backends, peer); }

    public BenchSettings withThreads(List<Integer> t) { return new BenchSettings(models, promptTokens, generatedTokens, repetitions, warmups, t, backends, peer); }

    public BenchSettings withBackends(List<String> b) { return new BenchSettings(models, promptTokens, generatedTokens, repetitions, warmups, threads, b, peer); }

    public BenchSettings withPeer(boolean p) { return new BenchSettings(models, promptTokens, generatedTokens, repetitions, warmups, threads, backends, p); }
}
