package io.microllm.runtime.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lookup structures shared by both tokenizer kinds: text to id, token attributes (llama.cpp's token types plus
 * its name-based fix-ups), the special tokens matched in input text, end-of-generation ids and each token's
 * decoded bytes.
 */
final class TokenTable {
    static final int NORMAL = 1, UNKNOWN = 1 << 1, CONTROL = 1 << 2, USER_DEFINED = 1 << 3, UNUSED = 1 << 4, BYTE = 1 << 5;
    /** SentencePiece's stand-in for a space (U+2581). */
    static final char ESCAPED_SPACE = '\u2581';

    /**
     * Texts llama.cpp treats as end of generation, and forces to CONTROL (so they are parsed as special tokens),
     * whatever their type in the file: its EOG, EOT, EOM and FIM pad/repo/file-separator lists in
     * llama_vocab::impl::load. Qwen's vocabulary, for one, has {@code </s>} as a normal token.
     */
    private static final Set<String> END_OF_GENERATION_TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
            "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
            "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
            "<｜end▁of▁sentence｜>", "[e~[",
            "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
            "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>", "<|file_sep|>");
    /** Fill-in-the-middle markers llama.cpp forces to CONTROL. */
    private static final Set<String> FILL_IN_MIDDLE_TEXTS = Set.of(
            "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>",
            "<|code_prefix|>", "<|prefix|>",
            "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
            "<|code_suffix|>", "<|suffix|>",
            "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>",
            "<|code_middle|>", "<|middle|>");
    /** gpt-oss markers llama.cpp makes USER_DEFINED so that they are always rendered and parsed. */
    private static final Set<String> USER_DEFINED_TEXTS = Set.of("<|channel|>", "<|message|>", "<|start|>", "<|constrain|>");

    final String[] texts;
    final float[] scores;
    private final int[] attrs;
    /** Whether token texts spell spaces as {@link #ESCAPED_SPACE} (SentencePiece vocabularies). */
    final boolean escapesSpaces;
    private final Map<String, Integer> ids;
    /** Tokens matched as whole strings in input text before tokenizing, longest first. */
    final int[] specials;
    private final boolean[] endOfGeneration;
    private final byte[][] pieces;

    TokenTable(Vocabulary v) {
        int n = v.tokens().size();
        texts = new String[n];
        scores = v.scores();
        attrs = new int[n];
        ids = HashMap.newHashMap(n);
        endOfGeneration = new boolean[n];
        for (int id = 0; id < n; id++) {
            String text = v.tokens().get(id);
            if (text.isEmpty()) text = "[EMPTY_" + id + "]";
            Integer previous = ids.putIfAbsent(text, id);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate token in vocabulary: '" + text + "' has ids " + previous + " and " + id);
            }
            texts[id] = text;
            attrs[id] = attr(v.tokenTypes()[id]);
            if (END_OF_GENERATION_TEXTS.contains(text)) {
                attrs[id] |= CONTROL;
                endOfGeneration[id] = true;
            } else if (FILL_IN_MIDDLE_TEXTS.contains(text)) {
                attrs[id] |= CONTROL;
            } else if (USER_DEFINED_TEXTS.contains(text)) {
                attrs[id] = USER_DEFINED;
            }
        }
        for (int id : new int[] {v.eos(), v.eot(), v.eom()}) {
            if (id >= 0) endOfGeneration[id] = true;
        }
        specials = specials(texts, attrs);
        escapesSpaces = v.model().equals(Vocabulary.SENTENCEPIECE);
        pieces = new byte[n][];
        for (int id = 0; id < n; id++) pieces[id] = decodePiece(id);
    }

    private static int attr(int ggufType) {
        return switch (ggufType) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> 0;
        };
    }

    private static int[] specials(String[] texts, int[] attrs) {
        List<Integer> list = new ArrayList<>();
        for (int id = 0; id < texts.length; id++) {
            if ((attrs[id] & (CONTROL | USER_DEFINED | UNKNOWN)) != 0) list.add(id);
        }
        // llama.cpp sorts by UTF-8 length, longest first (ties in unspecified order; here by id)
        list.sort(Comparator.comparingInt((Integer id) -> -texts[id].getBytes(StandardCharsets.UTF_8).length)
                .thenComparingInt(id -> id));
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /** llama.cpp token_to_piece(special = true): what the token contributes to decoded text. */
    private byte[] decodePiece(int id) {
        String text = texts[id];
        int attr = attrs[id];
        if ((attr & (CONTROL | UNKNOWN | USER_DEFINED)) != 0) return text.getBytes(StandardCharsets.UTF_8);
        if ((attr & NORMAL) != 0) {
            return escapesSpaces ? unescapeSpaces(text).getBytes(StandardCharsets.UTF_8) : byteLevelBytes(text);
        }
        if ((attr & BYTE) != 0) return new byte[] {(byte) hexByte(text)};
        return new byte[0]; // unused and undefined tokens decode to nothing
    }

    /**
     * Decoded SentencePiece text with U+2581 turned back into spaces. llama.cpp does this per normal token only;
     * doing it on the decoded text also catches a U+2581 spelled with byte tokens (a vocabulary without a "▁"
     * token), which encoding made from a space just the same.
     */
    String unescapeSpaces(String text) {
        return escapesSpaces ? text.replace(ESCAPED_SPACE, ' ') : text;
    }

    /** The bytes a byte-level token spells; a code point outside the alphabet stands for its own UTF-8. */
    private static byte[] byteLevelBytes(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = ByteLevel.byteOf(cp);
            if (b >= 0) out.write(b);
            else out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
        });
        return out.toByteArray();
    }

    /** The byte of a {@code <0xNN>} token. */
    private static int hexByte(String text) {
        if (text.length() != 6 || !text.startsWith("<0x") || text.charAt(5) != '>') {
            throw new IllegalArgumentException("byte token '" + text + "' is not of the form <0xNN>");
        }
        try {
            return Integer.parseInt(text, 3, 5, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("byte token '" + text + "' is not of the form <0xNN>", e);
        }
    }

    int size() {
        return texts.length;
    }

    /** The id of a token text, or -1. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    boolean isEndOfGeneration(int id) {
        return id >= 0 && id < endOfGeneration.length && endOfGeneration[id];
    }

    byte[] piece(int id) {
        return pieces[checkId(id)];
    }

    int checkId(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (texts.length - 1) + ")");
        }
        return id;
    }
}
