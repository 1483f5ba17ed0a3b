package io.microllm.runtime.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * llama.cpp's byte-level BPE (llm_tokenizer_bpe): the pre-tokenizer splits text into words, each word's UTF-8
 * bytes are spelled in GPT-2's byte alphabet, and within a word adjacent symbols are merged by merge rank
 * (lowest first, leftmost on ties) until no listed merge applies.
 */
final class BytePairEncoder implements FragmentEncoder {
    private final TokenTable table;
    private final PreTokenizer preTokenizer;
    private final boolean ignoreMerges;
    /** Rank of each merge whose two sides are tokens, keyed by {@link #pairKey}. */
    private final LongIntMap pairRanks;
    /** Token id of each merge's result by rank, or -1 if the result is no token. */
    private final int[] mergedIds;
    /** Token id of each single char of the byte alphabet (index: char), or -1. */
    private final int[] charIds = new int[512];
    /** Rank of merges with a side that is no token (none in sane vocabularies), keyed by "left right". */
    private final Map<String, Integer> textRanks = new HashMap<>();

    BytePairEncoder(TokenTable table, List<String> merges, PreTokenizer.Spec spec) {
        this.table = table;
        this.preTokenizer = PreTokenizer.of(spec);
        this.ignoreMerges = spec.ignoreMerges();
        this.pairRanks = new LongIntMap(merges.size());
        this.mergedIds = new int[merges.size()];
        for (int rank = 0; rank < merges.size(); rank++) {
            String merge = merges.get(rank);
            int space = merge.indexOf(' ', 1); // llama.cpp splits at the first space after the first character
            mergedIds[rank] = -1;
            if (space < 0) continue; // llama.cpp keeps it as ("", ""), which never matches
            String leftText = merge.substring(0, space);
            String rightText = merge.substring(space + 1);
            int left = table.id(leftText);
            int right = table.id(rightText);
            if (left >= 0 && right >= 0) pairRanks.putIfAbsent(pairKey(left, right), rank);
            else textRanks.putIfAbsent(merge, rank);
            mergedIds[rank] = table.id(leftText + rightText);
        }
        for (char c = 0; c < charIds.length; c++) charIds[c] = table.id(String.valueOf(c));
    }

    private static long pairKey(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    private record Bigram(int left, int right, int rank, int length) {}

    @Override
    public void encode(String fragment, boolean afterSpecial, IntList out) {
        for (String word : preTokenizer.split(fragment)) {
            encodeWord(ByteLevel.encode(word.getBytes(StandardCharsets.UTF_8)), out);
        }
    }

    /** Merges one byte-level word; every char of it is one byte, so symbols start as single chars. */
    private void encodeWord(String word, IntList out) {
        if (ignoreMerges) {
            int whole = table.id(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        int n = word.length();
        int[] length = new int[n]; // 0 once merged into the left neighbour
        int[] id = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            length[i] = 1;
            id[i] = charIds[word.charAt(i)];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.rank != b.rank
                ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) offer(queue, word, length, id, i - 1, i);
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int l = bigram.left, r = bigram.right;
            // stale: one side was merged away or grew since this pair was queued (symbols start where they did)
            if (length[l] == 0 || length[r] == 0 || length[l] + length[r] != bigram.length) continue;
            length[l] += length[r];
            length[r] = 0;
            id[l] = mergedIds[bigram.rank];
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            offer(queue, word, length, id, prev[l], l);
            offer(queue, word, length, id, l, next[l]);
        }
        for (int i = 0; i >= 0; i = next[i]) {
            if (id[i] >= 0) {
                out.add(id[i]);
                continue;
            }
            // llama.cpp falls back to the symbol's single bytes that are tokens; in the byte alphabet only
            // ASCII chars are single UTF-8 bytes, so the rest are dropped
            for (int c = i; c < i + length[i]; c++) {
                int single = word.charAt(c) < 0x80 ? charIds[word.charAt(c)] : -1;
                if (single >= 0) out.add(single);
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, String word, int[] length, int[] id, int left, int right) {
        if (left < 0 || right < 0) return;
        int rank = id[left] >= 0 && id[right] >= 0
                ? pairRanks.get(pairKey(id[left], id[right]), -1)
                : textRanks.isEmpty() ? -1
                : textRanks.getOrDefault(word.substring(left, left + length[left]) + " " + word.substring(right, right + length[right]), -1);
        if (rank >= 0) queue.add(new Bigram(left, right, rank, length[left] + length[right]));
    }
}
