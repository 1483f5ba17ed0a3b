package io.microllm.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.Sampler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

/**
 * llama.cpp as the peer, in this JVM through de.kherud:llama (its native library ships inside the jar; version 4.2.0
 * bundles llama.cpp build b4916, a CPU build, which predates the qwen3 architecture). It runs llama.cpp's server
 * loop; a request carries the prompt as token ids (the same ids microllm gets), greedy (top-k 1), no prompt cache,
 * end-of-generation ignored. The library reports no timings through its API (llama.cpp logs them to the native
 * stderr), and streamed tokens reach Java late when they come fast, so a run times two whole requests, as
 * llama-bench times prompt and generation separately: prompt time = a request for one token (the prompt pass,
 * choosing the first token, and well under a millisecond of request handling); generation time = a request for
 * all tokens minus that, which leaves exactly the decode steps after the first token.
 */
final class LlamaCppPeer implements Engine {
    static final String NAME = "llama.cpp";

    private static final String UNAVAILABLE = probe();

    private final LlamaModel model;
    private final long loadMillis;

    LlamaCppPeer(Path file, String architecture, int threads, int contextLength) {
        if (UNAVAILABLE != null) throw new IllegalStateException(UNAVAILABLE);
        long start = System.nanoTime();
        try {
            model = new LlamaModel(new ModelParameters().setModel(file.toString()).setThreads(threads).setThreadsBatch(threads)
                    .setCtxSize(contextLength).disableLog());
        } catch (RuntimeException e) {
            throw new IllegalStateException(NAME + " (" + description() + ") could not load " + file.getFileName() + ": " + e.getMessage()
                    + (architecture.equals("qwen3") ? " (its llama.cpp predates the qwen3 architecture)" : ""), e);
        }
        loadMillis = (System.nanoTime() - start) / 1_000_000;
    }

    /** Null when the native library loads on this machine, otherwise the exact reason it does not. */
    static String unavailableReason() { return UNAVAILABLE; }

    /** "de.kherud:llama 4.2.0", from the jar's Maven metadata. */
    static String description() {
        Properties p = new Properties();
        try (InputStream in = LlamaModel.class.getResourceAsStream("/META-INF/maven/de.kherud/llama/pom.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // the version is only informative
        }
        return "de.kherud:llama " + p.getProperty("version", "(version unknown)");
    }

    /** Initializes the binding, which extracts and loads llama.cpp; its chatter on stdout is kept out of the results. */
    private static String probe() {
        PrintStream out = System.out;
        ByteArrayOutputStream chatter = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(chatter, true, StandardCharsets.UTF_8));
            Class.forName(LlamaModel.class.getName(), true, LlamaCppPeer.class.getClassLoader());
            return null;
        } catch (Throwable e) { // a missing or incompatible native library surfaces as one of several Errors
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            String said = chatter.toString(StandardCharsets.UTF_8).strip();
            return NAME + " peer unavailable: its native library does not load here (" + root.getClass().getSimpleName() + ": "
                    + root.getMessage() + ")" + (said.isEmpty() ? "" : "; it said: " + said);
        } finally {
            System.setOut(out);
        }
    }

    @Override
    public RunTimes run(int[] prompt, int tokens) {
        // A busy machine can stall the 1-token request past the n-token one; such a pair is measured again.
        for (int attempt = 0; attempt < 3; attempt++) {
            long first = completion(prompt, 1);
            long all = completion(prompt, tokens);
            if (all > first) return new RunTimes(prompt.length, first, tokens, all - first);
        }
        throw new IllegalStateException("generation too fast to time: " + tokens + " tokens took no longer than 1, three times");
    }

    /** Nanoseconds for one whole request: the prompt from an empty cache, then {@code tokens} greedy tokens. */
    private long completion(int[] prompt, int tokens) {
        InferenceParameters request = new InferenceParameters("").setNPredict(tokens).setTemperature(0f).setSamplers(Sampler.TOP_K).setTopK(1)
                .setIgnoreEos(true).setCachePrompt(false);
        fields(request).put("prompt", Arrays.toString(prompt)); // a JSON array of token ids: no tokenization on the peer's side
        long start = System.nanoTime();
        model.complete(request);
        return System.nanoTime() - start;
    }

    /** The request's JSON fields: the binding has no setter for a prompt given as token ids. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> fields(InferenceParameters request) {
        try {
            Field f = request.getClass().getSuperclass().getDeclaredField("parameters");
            f.setAccessible(true);
            return (Map<String, String>) f.get(request);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(description() + " changed: cannot pass the prompt as token ids (" + e + ")", e);
        }
    }

    /** The model load and context set-up, timed around the constructor: llama.cpp runs no warm-up token there. */
    @Override
    public long loadMillis() { return loadMillis; }

    @Override
    public void close() { model.close(); }
}
