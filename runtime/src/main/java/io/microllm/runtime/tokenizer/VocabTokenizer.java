package io.microllm.runtime.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Tokenizer} for a {@link Vocabulary}: splits input text at special tokens the way llama.cpp's
 * tokenizer_st_partition does, encodes the text between them with the vocabulary's {@link FragmentEncoder}, and
 * adds BOS/EOS per metadata.
 */
final class VocabTokenizer implements Tokenizer {
    private final TokenTable table;
    private final FragmentEncoder encoder;
    private final int bos;
    private final int eos;
    private final boolean addBos;
    private final boolean addEos;
    private final boolean addSpacePrefix;

    VocabTokenizer(Vocabulary v) {
        this.table = new TokenTable(v);
        this.encoder = v.model().equals(Vocabulary.SENTENCEPIECE)
                ? new SentencePieceEncoder(table, v.addSpacePrefix())
                : new BytePairEncoder(table, v.merges(), PreTokenizer.spec(v.pre()));
        this.bos = v.bos();
        this.eos = v.eos();
        this.addBos = v.addBos();
        this.addEos = v.addEos();
        this.addSpacePrefix = v.addSpacePrefix();
    }

    /** A piece of the input: a special token ({@code token >= 0}) or the text in [start, end). */
    private record Fragment(int token, int start, int end) {}

    @Override
    public int[] encode(String text, boolean addSpecial) {
        Codepoints.requireWellFormed(text);
        IntList out = new IntList();
        if (addSpecial && addBos) out.add(bos);
        boolean afterSpecial = true;
        for (Fragment f : partition(text)) {
            if (f.token >= 0) {
                out.add(f.token);
                afterSpecial = true;
            } else {
                encoder.encode(text.substring(f.start, f.end), afterSpecial, out);
                afterSpecial = false;
            }
        }
        if (addSpecial && addEos) out.add(eos);
        return out.toArray();
    }

    /**
     * Splits text at special tokens, longest token first; each token splits every text fragment at all its
     * non-overlapping occurrences, leftmost first (llama.cpp tokenizer_st_partition with parse_special).
     */
    private List<Fragment> partition(String text) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) return fragments;
        fragments.add(new Fragment(-1, 0, text.length()));
        for (int special : table.specials) {
            String s = table.texts[special];
            if (!text.contains(s)) continue;
            List<Fragment> split = new ArrayList<>(fragments.size() + 2);
            for (Fragment f : fragments) {
                if (f.token >= 0) {
                    split.add(f);
                    continue;
                }
                int at = f.start;
                for (int match; (match = text.indexOf(s, at)) >= 0 && match + s.length() <= f.end; at = match + s.length()) {
                    if (match > at) split.add(new Fragment(-1, at, match));
                    split.add(new Fragment(special, match, match + s.length()));
                }
                if (at < f.end) split.add(new Fragment(-1, at, f.end));
            }
            fragments = split;
        }
        return fragments;
    }

    @Override
    public String decode(int[] ids) {
        int from = 0, to = ids.length;
        if (addBos && to > 0 && ids[0] == bos) from++;
        if (addEos && to > from && ids[to - 1] == eos) to--;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = from; i < to; i++) out.writeBytes(table.piece(ids[i]));
        String text = table.unescapeSpaces(out.toString(StandardCharsets.UTF_8));
        return addSpacePrefix && text.startsWith(" ") ? text.substring(1) : text;
    }

    @Override
    public StreamingDecoder decoder() {
        return new StreamingDecoder(table);
    }

    @Override
    public int bos() {
        return bos;
    }

    @Override
    public int eos() {
        return eos;
    }

    @Override
    public boolean isEndOfGeneration(int id) {
        return table.isEndOfGeneration(id);
    }

    @Override
    public int vocabSize() {
        return table.size();
    }

    @Override
    public String piece(int id) {
        return new String(table.piece(id), StandardCharsets.UTF_8);
    }
}
