package io.microllm.cli;

import io.microllm.runtime.model.Model;
import io.microllm.runtime.model.ModelOptions;
import io.microllm.spi.TensorType;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares (names follow llama.cpp where it has them). */
final class ModelArgs {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model file.")
    Path model;

    @Option(names = "--backend", paramLabel = "NAME[:DEVICE]",
            description = "Backend and device (see 'microllm devices'); default: the highest-scored device.")
    String backend;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "CPU threads (default: physical cores).")
    int threads;

    @Option(names = {"-c", "--ctx-size"}, defaultValue = "0",
            description = "Context size in tokens (default: the model's, capped at " + ModelOptions.DEFAULT_MAX_CONTEXT + ").")
    int contextLength;

    @Option(names = {"-b", "--batch-size"}, defaultValue = "512", description = "Prompt tokens per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--kv-type", defaultValue = "F16", description = "KV cache type: F16 or F32 (default: ${DEFAULT-VALUE}).")
    TensorType kvType;

    @Option(names = "--strict", description = "Fail instead of running an op the chosen backend declines on another backend.")
    boolean strict;

    ModelOptions options() {
        return ModelOptions.defaults().withBackend(backend).withThreads(threads).withContextLength(contextLength)
                .withBatchSize(batchSize).withKvCacheType(kvType).withStrict(strict);
    }

    Model load() throws IOException {
        return Model.load(model, options());
    }
}
