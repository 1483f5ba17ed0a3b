package io.microllm.runtime.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * llama.cpp's SentencePiece BPE (llm_tokenizer_spm): spaces become U+2581, the text starts as one symbol per code
 * point, and adjacent symbols are merged greedily, always the pair whose merged text is the highest-scoring token
 * (leftmost on ties). Symbols that end up as no token are spelled with {@code <0xNN>} byte tokens.
 */
final class SentencePieceEncoder implements FragmentEncoder {
    private final TokenTable table;
    private final boolean addSpacePrefix;
    /** Byte token per byte value, or -1 if the vocabulary lacks it. */
    private final int[] byteTokens = new int[256];

    SentencePieceEncoder(TokenTable table, boolean addSpacePrefix) {
        this.table = table;
        this.addSpacePrefix = addSpacePrefix;
        for (int b = 0; b < 256; b++) {
            int id = table.id(String.format("<0x%02X>", b));
            byteTokens[b] = id >= 0 ? id : b < 0x80 ? table.id(String.valueOf((char) b)) : -1;
        }
    }

    private record Bigram(int left, int right, float score, int length) {}

    @Override
    public void encode(String fragment, boolean afterSpecial, IntList out) {
        String text = (addSpacePrefix && afterSpecial ? " " + fragment : fragment).replace(' ', TokenTable.ESCAPED_SPACE);
        int n = text.codePointCount(0, text.length());
        int[] start = new int[n];
        int[] length = new int[n]; // in chars; 0 once merged into the left neighbour
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, at = 0; i < n; i++) {
            start[i] = at;
            length[i] = Character.charCount(text.codePointAt(at));
            at += length[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) offer(queue, text, start, length, i - 1, i);
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int l = bigram.left, r = bigram.right;
            // stale: one side was merged away or grew since this pair was queued
            if (length[l] == 0 || length[r] == 0 || length[l] + length[r] != bigram.length) continue;
            length[l] += length[r];
            length[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            offer(queue, text, start, length, prev[l], l);
            offer(queue, text, start, length, l, next[l]);
        }
        for (int i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
            String piece = text.substring(start[i], start[i] + length[i]);
            int id = table.id(piece);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) out.add(byteToken(b & 0xFF));
        }
    }

    private void offer(PriorityQueue<Bigram> queue, String text, int[] start, int[] length, int left, int right) {
        if (left < 0 || right < 0) return;
        int merged = length[left] + length[right];
        int id = table.id(text.substring(start[left], start[left] + merged));
        if (id >= 0) queue.add(new Bigram(left, right, table.scores[id], merged));
    }

    private int byteToken(int b) {
        if (byteTokens[b] < 0) {
            throw new IllegalArgumentException(String.format("the vocabulary has no byte token <0x%02X> to spell text it has no token for", b));
        }
        return byteTokens[b];
    }
}
