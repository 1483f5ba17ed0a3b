package io.microllm.runtime.tokenizer;

import io.microllm.runtime.gguf.GgufFile;

import java.util.List;

/**
 * A tokenizer vocabulary as GGUF metadata describes it, with llama.cpp's defaults already applied. The arrays are
 * used as given, not copied.
 *
 * @param model          {@code tokenizer.ggml.model}: {@code "llama"} (SentencePiece BPE with scores and byte
 *                       fallback) or {@code "gpt2"} (byte-level BPE with merges)
 * @param pre            {@code tokenizer.ggml.pre}, the pre-tokenizer of a gpt2 vocabulary ("" if absent or llama)
 * @param tokens         token texts by id (an empty text becomes {@code [EMPTY_<id>]}, as in llama.cpp)
 * @param scores         per-token scores (SentencePiece merge priorities), one per token
 * @param tokenTypes     per-token GGUF token types: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused,
 *                       6 byte (anything else: undefined)
 * @param merges         BPE merges, {@code "left right"}, in rank order (empty for llama)
 * @param bos            begin-of-sequence id, or -1
 * @param eos            end-of-sequence id, or -1
 * @param unk            unknown-token id, or -1
 * @param eot            end-of-turn id from {@code tokenizer.ggml.eot_token_id}, or -1
 * @param eom            end-of-message id from {@code tokenizer.ggml.eom_token_id}, or -1
 * @param addBos         whether encoding with special tokens starts with BOS
 * @param addEos         whether encoding with special tokens ends with EOS
 * @param addSpacePrefix whether SentencePiece encoding prefixes text with a space (llama only)
 */
public record Vocabulary(String model, String pre, List<String> tokens, float[] scores, int[] tokenTypes,
                         List<String> merges, int bos, int eos, int unk, int eot, int eom,
                         boolean addBos, boolean addEos, boolean addSpacePrefix) {
    public static final String SENTENCEPIECE = "llama";
    public static final String BYTE_LEVEL_BPE = "gpt2";

    public Vocabulary {
        if (!model.equals(SENTENCEPIECE) && !model.equals(BYTE_LEVEL_BPE)) {
            throw new IllegalArgumentException("unsupported tokenizer model '" + model + "' (supported: llama, gpt2)");
        }
        if (tokens.isEmpty()) throw new IllegalArgumentException("vocabulary has no tokens");
        if (scores.length < tokens.size()) {
            throw new IllegalArgumentException(scores.length + " token scores for " + tokens.size() + " tokens");
        }
        if (tokenTypes.length < tokens.size()) {
            throw new IllegalArgumentException(tokenTypes.length + " token types for " + tokens.size() + " tokens");
        }
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
        pre = pre == null ? "" : pre;
        checkId("bos", bos, tokens.size());
        checkId("eos", eos, tokens.size());
        checkId("unk", unk, tokens.size());
        checkId("eot", eot, tokens.size());
        checkId("eom", eom, tokens.size());
        if (addBos && bos < 0) throw new IllegalArgumentException("add_bos_token is true, but there is no bos_token_id");
        if (addEos && eos < 0) throw new IllegalArgumentException("add_eos_token is true, but there is no eos_token_id");
    }

    private static void checkId(String name, int id, int vocabSize) {
        if (id < -1 || id >= vocabSize) {
            throw new IllegalArgumentException(name + " token id " + id + " is outside the vocabulary (" + vocabSize + " tokens)");
        }
    }

    /**
     * Reads the {@code tokenizer.ggml.*} metadata of a GGUF file. Defaults follow llama.cpp: a llama vocabulary
     * has BOS 1, EOS 2, UNK 0, adds BOS and a space prefix; a gpt2 vocabulary adds BOS only for the Llama-3
     * pre-tokenizers. Unlike llama.cpp, a gpt2 vocabulary without BOS/EOS ids has none (llama.cpp falls back to
     * id 11). Explicit metadata wins.
     *
     * @throws IllegalArgumentException naming the key, if a key is missing, mistyped or inconsistent
     */
    public static Vocabulary fromGguf(GgufFile f) {
        String model = f.getString("tokenizer.ggml.model");
        boolean spm = model.equals(SENTENCEPIECE);
        if (!spm && !model.equals(BYTE_LEVEL_BPE)) {
            throw new IllegalArgumentException("unsupported tokenizer.ggml.model '" + model + "' in " + f.path()
                    + " (supported: llama, gpt2)");
        }
        String pre = spm ? "" : f.has("tokenizer.ggml.pre") ? f.getString("tokenizer.ggml.pre") : "";
        List<String> tokens = f.getStrings("tokenizer.ggml.tokens");
        int n = tokens.size();
        float[] scores = f.has("tokenizer.ggml.scores") ? scores(f) : new float[n];
        int[] types = f.has("tokenizer.ggml.token_type") ? f.getInts("tokenizer.ggml.token_type") : normalTypes(n);
        List<String> merges = spm ? List.of() : f.getStrings("tokenizer.ggml.merges");
        boolean addBosDefault = spm || PreTokenizer.spec(pre).addBosByDefault();
        return new Vocabulary(model, pre, tokens, scores, types, merges,
                id(f, "tokenizer.ggml.bos_token_id", spm ? 1 : -1, n),
                id(f, "tokenizer.ggml.eos_token_id", spm ? 2 : -1, n),
                id(f, "tokenizer.ggml.unknown_token_id", spm ? 0 : -1, n),
                id(f, "tokenizer.ggml.eot_token_id", -1, n),
                id(f, "tokenizer.ggml.eom_token_id", -1, n),
                flag(f, "tokenizer.ggml.add_bos_token", addBosDefault),
                flag(f, "tokenizer.ggml.add_eos_token", false),
                spm && flag(f, "tokenizer.ggml.add_space_prefix", true));
    }

    private static float[] scores(GgufFile f) {
        // llama.cpp accepts f32 or i32 scores
        return switch (f.find("tokenizer.ggml.scores").orElseThrow()) {
            case float[] floats -> floats.clone();
            case int[] ints -> {
                float[] out = new float[ints.length];
                for (int i = 0; i < ints.length; i++) out[i] = ints[i];
                yield out;
            }
            default -> throw new IllegalArgumentException("metadata 'tokenizer.ggml.scores' is neither f32 nor i32 array in " + f.path());
        };
    }

    private static int[] normalTypes(int n) {
        int[] types = new int[n];
        java.util.Arrays.fill(types, 1);
        return types;
    }

    /** A metadata token id; a default that falls outside the vocabulary means none (llama.cpp disables it). */
    private static int id(GgufFile f, String key, int defaultId, int vocabSize) {
        if (!f.has(key)) return defaultId < vocabSize ? defaultId : -1;
        long id = f.getLong(key);
        if (id < 0 || id >= vocabSize) {
            throw new IllegalArgumentException("metadata '" + key + "' = " + id + " is outside the vocabulary ("
                    + vocabSize + " tokens) in " + f.path());
        }
        return (int) id;
    }

    private static boolean flag(GgufFile f, String key, boolean defaultValue) {
        return f.has(key) ? f.getBoolean(key) : defaultValue;
    }
}
