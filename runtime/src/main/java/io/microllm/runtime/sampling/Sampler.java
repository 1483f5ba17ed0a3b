package io.microllm.runtime.sampling;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits as a {@link SamplerConfig} says. Keeps the recent tokens ({@link #accept}) that the
 * repetition penalty looks at, and its own seeded random generator, so one sampler serves one generation.
 */
public final class Sampler {
    private final SamplerConfig config;
    private final long seed;
    private final SplittableRandom random;
    private final int[] recent;
    private int recentCount;
    private int recentNext;

    public Sampler(SamplerConfig config) {
        this.config = config;
        this.seed = config.seed() == SamplerConfig.RANDOM_SEED ? new SecureRandom().nextLong() & Long.MAX_VALUE : config.seed();
        this.random = new SplittableRandom(seed);
        this.recent = new int[config.repetitionLastN()];
    }

    public SamplerConfig config() { return config; }

    /** The seed in use: the configured one, or the one picked for {@link SamplerConfig#RANDOM_SEED}. */
    public long seed() { return seed; }

    /** Records a token of the context (prompt or generated) for the repetition penalty. */
    public void accept(int token) {
        if (recent.length == 0) return;
        recent[recentNext] = token;
        recentNext = (recentNext + 1) % recent.length;
        recentCount = Math.min(recentCount + 1, recent.length);
    }

    /** The next token for these logits (one per vocabulary entry); {@code logits} is not modified. */
    public int sample(float[] logits) {
        if (logits.length == 0) throw new IllegalArgumentException("no logits to sample from");
        float[] l = penalized(logits);
        if (config.isGreedy()) return argmax(l);

        int[] ids = top(l, config.topK() > 0 ? Math.min(config.topK(), l.length) : l.length);
        int n = ids.length;
        double[] p = probabilities(l, ids, n, 1f);
        if (config.topP() < 1) {
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                cumulative += p[i];
                if (cumulative >= config.topP()) {
                    n = i + 1;
                    break;
                }
            }
        }
        if (config.minP() > 0) {
            // min-p compares with the most likely token, so renormalizing after top-p does not change it.
            int keep = 1;
            while (keep < n && p[keep] >= config.minP() * p[0]) keep++;
            n = keep;
        }
        p = probabilities(l, ids, n, config.temperature());
        double r = random.nextDouble();
        for (int i = 0; i < n; i++) {
            r -= p[i];
            if (r < 0) return ids[i];
        }
        return ids[n - 1];
    }

    /** The index of the largest value; ties go to the first. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private float[] penalized(float[] logits) {
        float penalty = config.repetitionPenalty();
        if (penalty == 1 || recentCount == 0) return logits;
        float[] l = logits.clone();
        int[] seen = Arrays.copyOf(recent, recentCount);
        Arrays.sort(seen);
        for (int i = 0; i < seen.length; i++) {
            int t = seen[i];
            if ((i > 0 && seen[i - 1] == t) || t < 0 || t >= l.length) continue;   // each token once, like llama.cpp
            l[t] = l[t] <= 0 ? l[t] * penalty : l[t] / penalty;
        }
        return l;
    }

    /** softmax(logit / temperature) over the first n candidates, which are sorted by logit, largest first. */
    private static double[] probabilities(float[] logits, int[] ids, int n, float temperature) {
        double[] p = new double[n];
        double max = logits[ids[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[ids[i]] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) p[i] /= sum;
        return p;
    }

    /** The ids of the k largest logits, largest first (ties: lower id first). */
    static int[] top(float[] logits, int k) {
        // Pack (orderable logit bits, reversed id) into one long so primitive sorting orders both at once.
        long[] heap = new long[k];
        int size = 0;
        for (int id = 0; id < logits.length; id++) {
            long key = key(logits[id], id);
            if (size < k) {
                heap[size] = key;
                siftUp(heap, size++);
            } else if (key > heap[0]) {
                heap[0] = key;
                siftDown(heap, k);
            }
        }
        Arrays.sort(heap);
        int[] ids = new int[k];
        for (int i = 0; i < k; i++) ids[i] = Integer.MAX_VALUE - (int) heap[k - 1 - i];
        return ids;
    }

    private static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        bits ^= (bits >> 31) & 0x7fffffff;   // negative floats: flip so that int order is float order
        return ((long) bits << 32) | (Integer.MAX_VALUE - id);
    }

    private static void siftUp(long[] heap, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (heap[parent] <= heap[i]) return;
            long t = heap[parent]; heap[parent] = heap[i]; heap[i] = t;
            i = parent;
        }
    }

    private static void siftDown(long[] heap, int size) {
        int i = 0;
        while (true) {
            int smallest = i, l = 2 * i + 1, r = l + 1;
            if (l < size && heap[l] < heap[smallest]) smallest = l;
            if (r < size && heap[r] < heap[smallest]) smallest = r;
            if (smallest == i) return;
            long t = heap[smallest]; heap[smallest] = heap[i]; heap[i] = t;
            i = smallest;
        }
    }
}
