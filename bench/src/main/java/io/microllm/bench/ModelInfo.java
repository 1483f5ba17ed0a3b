package io.microllm.bench;

import io.microllm.bench.synth.ModelShape;
import io.microllm.runtime.gguf.GgufFile;
import io.microllm.runtime.gguf.GgufTensorInfo;
import io.microllm.runtime.model.ModelConfig;
import io.microllm.runtime.tokenizer.Tokenizer;
import io.microllm.spi.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What bench needs to know about a model file: a label, its weight type, and how many bytes one generated token
 * reads (every weight matrix once, the tied or separate output projection, one embedding row, and the KV cache
 * rows attention reads), which with the measured bandwidth gives the speed limit.
 *
 * @param label               file name, or the shape's name for a synthetic model
 * @param type                the type most weight bytes are in, with " mix" when matrices have several types
 * @param weightBytesPerToken weight bytes one token's forward pass reads
 * @param kvBytesPerPosition  F16 K and V bytes per cached position, over all layers
 * @param prompt              the benchmark prompt, tokenized by the model's own tokenizer (same ids for every engine)
 */
public record ModelInfo(Path path, String label, String architecture, String type, boolean synthetic, long parameters,
                        long fileBytes, long weightBytesPerToken, long kvBytesPerPosition, int[] prompt) {

    /** English text the prompt is cut from (repeated as needed). */
    static final String PROMPT_TEXT = "The quick brown fox jumps over the lazy dog while the small language model counts how fast "
            + "every token goes through memory, layer by layer, on this machine.";

    /** Reads {@code path} and tokenizes a prompt of {@code promptTokens} tokens; errors name the problem. */
    public static ModelInfo read(Path path, int promptTokens) throws IOException {
        try (GgufFile gguf = GgufFile.open(path)) {
            ModelConfig config = ModelConfig.from(gguf);
            long weights = 0, params = 0;
            Map<TensorType, Long> matrixBytes = new EnumMap<>(TensorType.class);
            GgufTensorInfo embedding = gguf.tensor("token_embd.weight");
            for (GgufTensorInfo t : gguf.tensors()) {
                params += Arrays.stream(t.ne()).reduce(1, (a, b) -> a * b);
                if (t.ne().length >= 2) matrixBytes.merge(t.type(), t.byteSize(), Long::sum);
                if (!t.name().equals(embedding.name())) weights += t.byteSize();
            }
            // The embedding lookup reads one row; a tied output projection reads the whole matrix besides.
            weights += embedding.byteSize() / embedding.shape().rows();
            if (gguf.findTensor("output.weight").isEmpty()) weights += embedding.byteSize();
            TensorType dominant = matrixBytes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            String type = dominant + (matrixBytes.size() > 1 ? " mix" : "");
            boolean synthetic = gguf.has("microllm.synthetic") && gguf.getBoolean("microllm.synthetic");
            String arch = gguf.getString("general.architecture");
            String label = synthetic && gguf.has("microllm.synthetic.shape") ? syntheticLabel(gguf.getString("microllm.synthetic.shape"), arch)
                    : path.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
            long kv = 2L * 2 * config.blockCount() * config.kvDim();
            int[] prompt = prompt(Tokenizer.fromGguf(gguf), promptTokens);
            return new ModelInfo(path, label, arch, type, synthetic, params,
                    Files.size(path), weights, kv, prompt);
        }
    }

    /** "smollm2-135m (synthetic)", naming the architecture too when it is not the shape's own. */
    private static String syntheticLabel(String shape, String arch) {
        boolean ownArch = Arrays.stream(ModelShape.values()).anyMatch(s -> s.id.equals(shape) && s.defaultArch.equals(arch));
        return shape + (ownArch ? "" : " " + arch) + " (synthetic)";
    }

    /** Bytes read to generate the token at {@code position} (0-based: that many rows are in the KV cache). */
    public long bytesPerToken(int position) { return weightBytesPerToken + kvBytesPerPosition * (position + 1); }

    @Override
    public int[] prompt() { return prompt.clone(); }

    /** The start of the model's own tokenization of PROMPT_TEXT (with BOS if the model adds one), repeated to length. */
    static int[] prompt(Tokenizer tokenizer, int length) {
        if (length < 1) throw new IllegalArgumentException("the prompt needs at least 1 token, got " + length);
        int[] first = tokenizer.encode(PROMPT_TEXT, true);
        int[] more = tokenizer.encode(" " + PROMPT_TEXT, false);
        if (more.length == 0) throw new IllegalArgumentException("the tokenizer turns the prompt text into no tokens");
        return IntStream.range(0, length).map(i -> i < first.length ? first[i] : more[(i - first.length) % more.length]).toArray();
    }

    /** Sorts models by label then type, so tables list them predictably. */
    static final Comparator<ModelInfo> ORDER = Comparator.comparing(ModelInfo::label).thenComparing(ModelInfo::type);
}
