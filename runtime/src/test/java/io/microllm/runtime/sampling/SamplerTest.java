package io.microllm.runtime.sampling;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SamplerTest {
    /** Probabilities 0.05, 0.15, 0.3, 0.5 at ids 0..3, so the most likely token is the last id. */
    private static final float[] LOGITS = logitsOf(0.05, 0.15, 0.30, 0.50);

    private static float[] logitsOf(double... p) {
        float[] l = new float[p.length];
        for (int i = 0; i < p.length; i++) l[i] = (float) Math.log(p[i]) + 3;   // an offset must not matter
        return l;
    }

    private static SamplerConfig plain() { return new SamplerConfig(1f, 0, 1f, 0f, 1f, 64, 7); }

    private static Set<Integer> drawn(SamplerConfig config, float[] logits, int draws) {
        Sampler s = new Sampler(config);
        Set<Integer> seen = new TreeSet<>();
        for (int i = 0; i < draws; i++) seen.add(s.sample(logits));
        return seen;
    }

    @Test
    void greedyPicksTheLargestLogitAndTheFirstOfTies() {
        assertEquals(3, new Sampler(SamplerConfig.greedy()).sample(LOGITS));
        assertEquals(1, new Sampler(SamplerConfig.greedy()).sample(new float[] {0f, 5f, 5f, -1f}));
    }

    @Test
    void topKOfOneEqualsGreedy() {
        Random r = new Random(1);
        for (int trial = 0; trial < 200; trial++) {
            float[] logits = new float[50];
            for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian() * 3;
            Sampler topOne = new Sampler(plain().withTopK(1).withTemperature(1.5f).withSeed(trial));
            assertEquals(Sampler.argmax(logits), topOne.sample(logits));
        }
    }

    @Test
    void theSameSeedReproducesTheDraws() {
        float[] logits = new float[100];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) Math.sin(i) * 2;
        SamplerConfig config = SamplerConfig.defaults().withTopK(0).withMinP(0).withTopP(1).withSeed(1234);
        int[] first = draws(new Sampler(config), logits), second = draws(new Sampler(config), logits);
        assertArrayEquals(first, second);
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(draws(new Sampler(config.withSeed(99)), logits)));
    }

    private static int[] draws(Sampler s, float[] logits) {
        int[] out = new int[64];
        for (int i = 0; i < out.length; i++) out[i] = s.sample(logits);
        return out;
    }

    @Test
    void aRandomSeedIsReportedAndReproduces() {
        Sampler random = new Sampler(SamplerConfig.defaults().withTopK(0).withMinP(0));
        float[] logits = new float[100];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) Math.cos(i);
        int[] expected = draws(random, logits);
        assertArrayEquals(expected, draws(new Sampler(SamplerConfig.defaults().withTopK(0).withMinP(0).withSeed(random.seed())), logits));
    }

    @Test
    void topKKeepsTheKMostLikely() {
        assertEquals(Set.of(2, 3), drawn(plain().withTopK(2), LOGITS, 2000));
        assertEquals(Set.of(0, 1, 2, 3), drawn(plain(), LOGITS, 2000));
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        assertEquals(Set.of(2, 3), drawn(plain().withTopP(0.79f), LOGITS, 2000));   // 0.5 + 0.3 reaches it
        assertEquals(Set.of(1, 2, 3), drawn(plain().withTopP(0.81f), LOGITS, 2000));
        assertEquals(Set.of(3), drawn(plain().withTopP(0.4f), LOGITS, 200));
    }

    @Test
    void minPDropsTokensFarLessLikelyThanTheBest() {
        assertEquals(Set.of(1, 2, 3), drawn(plain().withMinP(0.2f), LOGITS, 2000));   // keeps p >= 0.1
        assertEquals(Set.of(2, 3), drawn(plain().withMinP(0.5f), LOGITS, 2000));      // keeps p >= 0.25
    }

    @Test
    void drawsFollowTheDistributionAndTemperatureSharpensIt() {
        int n = 20000;
        int[] counts = new int[4];
        Sampler s = new Sampler(plain());
        for (int i = 0; i < n; i++) counts[s.sample(LOGITS)]++;
        double[] p = {0.05, 0.15, 0.30, 0.50};
        for (int i = 0; i < 4; i++) assertEquals(p[i], counts[i] / (double) n, 0.015, "frequency of id " + i);

        // Temperature 0.5 squares the probabilities (then renormalizes): 0.5² / Σp² ≈ 0.676.
        Sampler cold = new Sampler(plain().withTemperature(0.5f));
        int top = 0;
        for (int i = 0; i < n; i++) if (cold.sample(LOGITS) == 3) top++;
        assertEquals(0.25 / (0.0025 + 0.0225 + 0.09 + 0.25), top / (double) n, 0.015);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        Sampler s = new Sampler(SamplerConfig.greedy().withRepetitionPenalty(1.5f, 4));
        assertEquals(0, s.sample(new float[] {2.0f, 1.9f}));
        s.accept(0);
        assertEquals(1, s.sample(new float[] {2.0f, 1.9f}));        // 2.0 / 1.5 < 1.9
        assertEquals(1, s.sample(new float[] {-1.0f, -1.2f}));      // -1.0 · 1.5 < -1.2
        for (int i = 0; i < 4; i++) s.accept(1);                    // token 0 leaves the last-4 window
        assertEquals(0, s.sample(new float[] {2.0f, 1.9f}));
    }

    @Test
    void topSortsByLogitThenId() {
        float[] logits = {-1f, 3f, -7f, 3f, 0f, -0f};
        assertArrayEquals(new int[] {1, 3, 4, 5, 0, 2}, Sampler.top(logits, 6));
        assertArrayEquals(new int[] {1, 3, 4}, Sampler.top(logits, 3));
    }

    @Test
    void badSettingsAreRejectedWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> SamplerConfig.defaults().withTopP(0));
        assertEquals("topP must be in (0, 1], got 0.0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.defaults().withTemperature(-1));
        assertThrows(IllegalArgumentException.class, () -> SamplerConfig.defaults().withMinP(1));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(SamplerConfig.greedy()).sample(new float[0]));
    }
}
