package io.microllm.runtime.model;

import io.microllm.runtime.exec.Executor;
import io.microllm.runtime.exec.PlacementReport;
import io.microllm.runtime.gguf.GgufFile;
import io.microllm.runtime.sampling.Sampler;
import io.microllm.runtime.tokenizer.StreamingDecoder;
import io.microllm.runtime.tokenizer.Tokenizer;
import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A loaded model, ready to generate text: GGUF weights on a backend, the tokenizer and one KV cache.
 * <pre>{@code
 * try (Model model = Model.load(Path.of("qwen3-0.6b-q8_0.gguf"), ModelOptions.defaults().withBackend("cpu"))) {
 *     Generation g = model.generate("Once upon a time", GenerationOptions.of(64), System.out::print);
 *     System.out.println(g.timings());
 * }
 * }</pre>
 * The KV cache is kept between generations: a prompt that starts with the previous generation's tokens (a chat that
 * goes on) only processes what is new. Not thread-safe: one generation at a time.
 */
public final class Model implements AutoCloseable {
    private final GgufFile gguf;
    private final ModelConfig config;
    private final Tokenizer tokenizer;
    private final Executor executor;
    private final Arena arena;
    private final Transformer transformer;
    private final long loadMillis;
    /** The tokens whose K/V rows are in the cache, at positions 0..cachedCount-1. */
    private int[] cached = new int[0];
    private int cachedCount;
    private boolean closed;

    private Model(GgufFile gguf, ModelConfig config, Tokenizer tokenizer, Executor executor, Arena arena,
                  Transformer transformer, long loadStart) {
        this.gguf = gguf;
        this.config = config;
        this.tokenizer = tokenizer;
        this.executor = executor;
        this.arena = arena;
        this.transformer = transformer;
        warmUp();
        this.loadMillis = (System.nanoTime() - loadStart) / 1_000_000;
    }

    /**
     * Loads {@code path} onto the backend {@code options} names (or the best one found), with every other usable
     * device as a fallback for ops it declines (unless strict).
     */
    public static Model load(Path path, ModelOptions options) throws IOException {
        Backends backends = Backends.discover();
        DeviceInfo primary = backends.choose(options.backend());
        BackendOptions backendOptions = new BackendOptions(options.threads(), options.backendProperties());
        List<Supplier<Backend>> ranked = new ArrayList<>();
        ranked.add(() -> backends.open(primary, backendOptions));
        for (DeviceInfo d : backends.ranked()) {
            if (!d.qualifiedId().equals(primary.qualifiedId())) ranked.add(() -> backends.open(d, backendOptions));
        }
        return load(path, options, ranked);
    }

    /** Loads {@code path} with {@link ModelOptions#defaults()}: the best-ranked backend. */
    public static Model load(Path path) throws IOException { return load(path, ModelOptions.defaults()); }

    /** Loads {@code path} onto these backends, primary first (fallbacks are opened only if needed); closes them on close. */
    public static Model load(Path path, ModelOptions options, List<Supplier<Backend>> ranked) throws IOException {
        long start = System.nanoTime();
        GgufFile gguf = GgufFile.open(path);
        Executor executor = null;
        Arena arena = Arena.ofShared();
        try {
            ModelConfig config = ModelConfig.from(gguf);
            Tokenizer tokenizer = Tokenizer.fromGguf(gguf);
            executor = new Executor(ranked, options.strict());
            Weights weights = Weights.load(gguf, config, executor, arena);
            int context = options.contextLength() > 0 ? options.contextLength()
                    : Math.min(config.contextLength(), ModelOptions.DEFAULT_MAX_CONTEXT);
            Transformer transformer = new Transformer(config, weights, executor, context,
                    Math.min(options.batchSize(), context), options.kvCacheType(), arena);
            return new Model(gguf, config, tokenizer, executor, arena, transformer, start);
        } catch (RuntimeException | Error e) {
            if (executor != null) executor.close();
            arena.close();
            gguf.close();
            throw e;
        }
    }

    /** One token through everything, so weights are uploaded (and kernels compiled) at load, not in the first prompt. */
    private void warmUp() {
        transformer.forward(new int[] {Math.max(tokenizer.bos(), 0)}, 0, 1, 0);
        transformer.argmax(0);
        executor.synchronize();
        executor.resetCounts();
    }

    public ModelConfig config() { return config; }

    public Tokenizer tokenizer() { return tokenizer; }

    /** The KV-cache size: prompt plus generated tokens must fit in it. */
    public int contextLength() { return transformer.contextLength(); }

    public long loadMillis() { return loadMillis; }

    /** The GGUF metadata, e.g. for {@code tokenizer.chat_template}. */
    public GgufFile gguf() { return gguf; }

    /** Ops per backend and bytes moved since the last generation or perplexity run began (or since load). */
    public PlacementReport placement() { return executor.report(); }

    /** Whether the tokenizer puts BOS in front of a text (llama.cpp's add_bos). */
    public boolean addsBos() {
        int[] ids = tokenizer.encode("", true);
        return ids.length > 0 && ids[0] == tokenizer.bos();
    }

    /** Tokenizes {@code prompt} (with BOS etc. as the model wants) and generates from it. */
    public Generation generate(String prompt, GenerationOptions options, TokenListener listener) {
        return generate(tokenizer.encode(prompt, true), options, listener);
    }

    /**
     * Generates from a tokenized prompt, streaming text to {@code listener}. Greedy sampling without a repetition
     * penalty picks the token on the device (Argmax), so only 4 bytes per token come back instead of the logits.
     */
    public Generation generate(int[] promptIds, GenerationOptions options, TokenListener listener) {
        if (promptIds.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
        if (promptIds.length >= contextLength()) {
            throw new IllegalArgumentException("a prompt of " + promptIds.length + " tokens leaves no room in the context of " + contextLength());
        }
        executor.resetCounts();
        Sampler sampler = new Sampler(options.sampler());
        for (int id : promptIds) sampler.accept(id);

        long start = System.nanoTime();
        int reused = ingest(promptIds);
        executor.synchronize();   // backends may run asynchronously: count the prompt's work as prompt time
        long promptDone = System.nanoTime();

        NextToken next = nextTokenPicker(sampler);
        StreamingDecoder decoder = tokenizer.decoder();
        StopStrings stops = new StopStrings(options.stopStrings());
        StringBuilder text = new StringBuilder();
        int[] generated = new int[Math.min(options.maxTokens(), contextLength())];
        int count = 0;
        int row = lastRow(promptIds.length - reused);
        StopReason reason = StopReason.MAX_TOKENS;
        while (count < options.maxTokens()) {
            int token = next.pick(row);
            if (!options.ignoreEos() && tokenizer.isEndOfGeneration(token)) {
                reason = StopReason.END_OF_GENERATION;
                break;
            }
            generated[count++] = token;
            sampler.accept(token);
            emit(stops.accept(decoder.feed(token)), text, listener);
            if (stops.stopped()) {
                reason = StopReason.STOP_STRING;
                break;
            }
            if (count == options.maxTokens()) break;
            if (cachedCount == contextLength()) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            transformer.forward(new int[] {token}, 0, 1, cachedCount);
            remember(token);
            row = 0;
        }
        if (!stops.stopped()) {
            emit(stops.accept(decoder.finish()), text, listener);
            emit(stops.flush(), text, listener);
        }
        long end = System.nanoTime();
        Timings timings = new Timings(loadMillis, promptIds.length - reused, reused, promptDone - start, count, end - promptDone);
        return new Generation(promptIds.clone(), Arrays.copyOf(generated, count), text.toString(), reason,
                sampler.seed(), timings, executor.report());
    }

    /** Chooses the token that follows a row of the last batch. */
    @FunctionalInterface
    private interface NextToken {
        int pick(int row);
    }

    private NextToken nextTokenPicker(Sampler sampler) {
        if (sampler.config().isGreedy() && sampler.config().repetitionPenalty() == 1) return transformer::argmax;
        float[] logits = new float[config.vocabSize()];
        return row -> {
            transformer.logits(row, 1, logits, 0);
            return sampler.sample(logits);
        };
    }

    private static void emit(String piece, StringBuilder text, TokenListener listener) {
        if (piece.isEmpty()) return;
        text.append(piece);
        listener.onText(piece);
    }

    /**
     * Puts the prompt into the KV cache, reusing the longest prefix it shares with what is there (always running at
     * least the last token, whose logits are needed). Returns how many tokens were reused.
     */
    private int ingest(int[] prompt) {
        int reuse = 0;
        int limit = Math.min(cachedCount, prompt.length - 1);
        while (reuse < limit && cached[reuse] == prompt[reuse]) reuse++;
        cachedCount = reuse;
        for (int pos = reuse; pos < prompt.length; pos += transformer.batchSize()) {
            int n = Math.min(transformer.batchSize(), prompt.length - pos);
            transformer.forward(prompt, pos, n, pos);
            for (int i = 0; i < n; i++) remember(prompt[pos + i]);
        }
        return reuse;
    }

    /** The row of the last prompt token within the last batch that {@link #ingest} ran. */
    private int lastRow(int processed) {
        int b = transformer.batchSize();
        return (processed - 1) % b;
    }

    private void remember(int token) {
        if (cachedCount == cached.length) cached = Arrays.copyOf(cached, Math.max(16, 2 * cached.length));
        cached[cachedCount++] = token;
    }

    /** The forward pass for direct use (perplexity): forgets the cached prompt and restarts the placement counts. */
    Transformer rawForwardPass() {
        cachedCount = 0;
        executor.resetCounts();
        return transformer;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            executor.close();
        } finally {
            arena.close();
            gguf.close();
        }
    }
}
