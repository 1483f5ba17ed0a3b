package io.microllm.runtime.model;

/**
 * Perplexity exactly as llama.cpp's {@code llama-perplexity} computes it: the ids are cut into
 * {@code floor(n / ctx)} chunks of {@code ctx} tokens, each evaluated from an empty cache with its first token
 * replaced by BOS when the model adds BOS; only the second half is scored (logits at positions
 * {@code ctx/2 .. ctx-2} predict tokens {@code ctx/2+1 .. ctx-1}). PPL = exp(mean negative log-likelihood).
 */
public final class Perplexity {
    private Perplexity() {}

    /**
     * @param perplexity        exp(mean NLL) over all scored tokens
     * @param standardError     llama.cpp's "+/-" estimate
     * @param runningPerplexity the value after each chunk (llama.cpp's [1], [2], … output)
     * @param predictions       tokens scored
     */
    public record Result(double perplexity, double standardError, double[] runningPerplexity, int predictions) {
        public int chunks() { return runningPerplexity.length; }
    }

    /** Called after each chunk (chunk counts from 1). */
    @FunctionalInterface
    public interface Progress {
        void chunkDone(int chunk, int chunks, double runningPerplexity);
    }

    public static Result evaluate(Model model, int[] ids, int ctx) {
        return evaluate(model, ids, ctx, (chunk, chunks, ppl) -> { });
    }

    /**
     * Scores {@code ids} (tokenized with BOS when the model adds one) in chunks of {@code ctx}, at most the model's
     * context length. Uses the model's KV cache; {@link Model#placement()} afterwards reports this run.
     */
    public static Result evaluate(Model model, int[] ids, int ctx, Progress progress) {
        if (ctx < 4 || ctx > model.contextLength()) {
            throw new IllegalArgumentException("ctx must be in 4.." + model.contextLength() + " (the model's context), got " + ctx);
        }
        int chunks = ids.length / ctx;
        if (chunks == 0) throw new IllegalArgumentException(ids.length + " tokens are fewer than one chunk of " + ctx);
        Transformer t = model.rawForwardPass();
        int vocab = model.config().vocabSize();
        int first = ctx / 2;
        boolean bos = model.addsBos();
        float[] logits = new float[t.maxLogitRows() * vocab];
        int[] chunk = new int[ctx];
        double[] running = new double[chunks];
        double nll = 0, nll2 = 0;
        int count = 0;
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(ids, c * ctx, chunk, 0, ctx);
            if (bos) chunk[0] = model.tokenizer().bos();
            for (int start = 0; start < ctx; start += t.batchSize()) {
                int n = Math.min(t.batchSize(), ctx - start);
                t.forward(chunk, start, n, start);
                // Score the positions of this batch that lie in first..ctx-2, a few rows of logits at a time.
                int last = Math.min(ctx - 2, start + n - 1);
                for (int p = Math.max(first, start); p <= last; p += t.maxLogitRows()) {
                    int rows = Math.min(t.maxLogitRows(), last - p + 1);
                    t.logits(p - start, rows, logits, 0);
                    for (int r = 0; r < rows; r++) {
                        double v = negativeLogLikelihood(logits, r * vocab, vocab, chunk[p + r + 1]);
                        nll += v;
                        nll2 += v * v;
                        count++;
                    }
                }
            }
            running[c] = Math.exp(nll / count);
            progress.chunkDone(c + 1, chunks, running[c]);
        }
        double mean = nll / count;
        double variance = nll2 / count - mean * mean;
        double ppl = Math.exp(mean);
        double error = variance > 0 && count > 1 ? Math.sqrt(variance / (count - 1)) * ppl : 0;
        return new Result(ppl, error, running, count);
    }

    /** -log softmax(logits)[token], in double precision like llama.cpp. */
    private static double negativeLogLikelihood(float[] logits, int offset, int n, int token) {
        float max = logits[offset];
        for (int i = 1; i < n; i++) max = Math.max(max, logits[offset + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(logits[offset + i] - max);
        return Math.log(sum) - (logits[offset + token] - max);
    }
}
