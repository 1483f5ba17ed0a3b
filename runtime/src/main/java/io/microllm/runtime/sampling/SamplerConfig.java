package io.microllm.runtime.sampling;

/**
 * How the next token is chosen, with llama.cpp's meanings and defaults. The filters apply in llama.cpp's order:
 * repetition penalty, top-k, top-p, min-p, then temperature and a seeded random draw. Temperature 0 (or top-k 1)
 * is greedy: always the most likely token.
 *
 * @param temperature       divides the logits before the draw; 0 = greedy
 * @param topK              keep the k most likely tokens; 0 = off
 * @param topP              keep the smallest set of most likely tokens whose probability reaches p; 1 = off
 * @param minP              drop tokens less likely than minP times the most likely one; 0 = off
 * @param repetitionPenalty divides positive (multiplies negative) logits of recently seen tokens; 1 = off
 * @param repetitionLastN   how many recent tokens (prompt included) the penalty looks at
 * @param seed              seeds the draw, so a seed reproduces a generation; {@link #RANDOM_SEED} picks one
 */
public record SamplerConfig(float temperature, int topK, float topP, float minP, float repetitionPenalty,
                            int repetitionLastN, long seed) {

    /** The seed value that means "pick a fresh random seed" (the chosen one is reported by {@link Sampler#seed()}). */
    public static final long RANDOM_SEED = -1;

    public SamplerConfig {
        check(temperature >= 0 && Float.isFinite(temperature), "temperature must be >= 0, got " + temperature);
        check(topK >= 0, "topK must be >= 0 (0 = off), got " + topK);
        check(topP > 0 && topP <= 1, "topP must be in (0, 1], got " + topP);
        check(minP >= 0 && minP < 1, "minP must be in [0, 1), got " + minP);
        check(repetitionPenalty > 0 && Float.isFinite(repetitionPenalty), "repetitionPenalty must be > 0, got " + repetitionPenalty);
        check(repetitionLastN >= 0, "repetitionLastN must be >= 0, got " + repetitionLastN);
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repetition penalty, random seed. */
    public static SamplerConfig defaults() { return new SamplerConfig(0.8f, 40, 0.95f, 0.05f, 1f, 64, RANDOM_SEED); }

    /** Always the most likely token. */
    public static SamplerConfig greedy() { return new SamplerConfig(0f, 0, 1f, 0f, 1f, 64, RANDOM_SEED); }

    /** True when the choice does not depend on the random draw. */
    public boolean isGreedy() { return temperature == 0 || topK == 1; }

    public SamplerConfig withTemperature(float t) { return new SamplerConfig(t, topK, topP, minP, repetitionPenalty, repetitionLastN, seed); }

    public SamplerConfig withTopK(int k) { return new SamplerConfig(temperature, k, topP, minP, repetitionPenalty, repetitionLastN, seed); }

    public SamplerConfig withTopP(float p) { return new SamplerConfig(temperature, topK, p, minP, repetitionPenalty, repetitionLastN, seed); }

    public SamplerConfig withMinP(float p) { return new SamplerConfig(temperature, topK, topP, p, repetitionPenalty, repetitionLastN, seed); }

    public SamplerConfig withRepetitionPenalty(float penalty, int lastN) {
        return new SamplerConfig(temperature, topK, topP, minP, penalty, lastN, seed);
    }

    public SamplerConfig withSeed(long s) { return new SamplerConfig(temperature, topK, topP, minP, repetitionPenalty, repetitionLastN, s); }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
