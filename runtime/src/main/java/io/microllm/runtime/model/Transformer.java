package io.microllm.runtime.model;

import io.microllm.runtime.exec.Executor;
import io.microllm.runtime.exec.LogicalTensor;
import io.microllm.spi.Op.Add;
import io.microllm.spi.Op.Argmax;
import io.microllm.spi.Op.Attention;
import io.microllm.spi.Op.Copy;
import io.microllm.spi.Op.GetRows;
import io.microllm.spi.Op.MatMul;
import io.microllm.spi.Op.RmsNorm;
import io.microllm.spi.Op.Rope;
import io.microllm.spi.Op.SwiGlu;
import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The llama-family forward pass, written once against the op SPI. A batch of up to {@link #batchSize()} tokens goes
 * through every layer at once (matrix × matrix for a prompt, matrix × vector when generating); each layer appends
 * its K and V rows to a cache of {@link #contextLength()} rows. Logits are then computed only for the rows asked for.
 *
 * <p>Buffers are allocated once, at full batch size; a batch of n tokens uses views of their first n rows.
 */
final class Transformer {
    /** Logit rows computed per output mat-mul: bounds the logits buffer (rows × vocab floats). */
    private static final int LOGIT_ROWS = 32;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final ModelConfig c;
    private final Weights w;
    private final Executor ex;
    private final int contextLength;
    private final int batchSize;
    private final float attentionScale;

    // Activations [batch, width]; the caches [context, kvDim] per layer.
    private final LogicalTensor ids, x, xb, qa, qb, ka, kb, v, att, gate, up;
    private final LogicalTensor normed, logits, argmax;
    private final LogicalTensor[] keyCache, valueCache;
    private final Map<ViewKey, LogicalTensor> views = new HashMap<>();
    /** By batch size n, the views its layers use, found once: per op, even a memoized lookup showed in profiles. */
    private final Batch[] batches;
    private final MemorySegment host;
    private int lastBatch;

    Transformer(ModelConfig c, Weights w, Executor ex, int contextLength, int batchSize, TensorType kvType, Arena arena) {
        this.c = c;
        this.w = w;
        this.ex = ex;
        this.contextLength = contextLength;
        this.batchSize = batchSize;
        this.attentionScale = (float) (1 / Math.sqrt(c.headDim()));
        int b = batchSize, d = c.embeddingLength(), q = c.queryDim(), kv = c.kvDim(), ff = c.feedForwardLength();
        ids = ex.allocate("ids", TensorType.I32, Shape.of(1, b));
        x = ex.allocate("x", TensorType.F32, Shape.of(b, d));
        xb = ex.allocate("xb", TensorType.F32, Shape.of(b, d));
        qa = ex.allocate("q", TensorType.F32, Shape.of(b, q));
        qb = ex.allocate("q'", TensorType.F32, Shape.of(b, q));
        ka = ex.allocate("k", TensorType.F32, Shape.of(b, kv));
        kb = ex.allocate("k'", TensorType.F32, Shape.of(b, kv));
        v = ex.allocate("v", TensorType.F32, Shape.of(b, kv));
        att = ex.allocate("attention", TensorType.F32, Shape.of(b, q));
        gate = ex.allocate("ffn_gate", TensorType.F32, Shape.of(b, ff));
        up = ex.allocate("ffn_up", TensorType.F32, Shape.of(b, ff));
        int logitRows = Math.min(b, LOGIT_ROWS);
        normed = ex.allocate("output_norm", TensorType.F32, Shape.of(logitRows, d));
        logits = ex.allocate("logits", TensorType.F32, Shape.of(logitRows, c.vocabSize()));
        argmax = ex.allocate("argmax", TensorType.I32, Shape.of(1, 1));
        keyCache = new LogicalTensor[c.blockCount()];
        valueCache = new LogicalTensor[c.blockCount()];
        for (int l = 0; l < c.blockCount(); l++) {
            keyCache[l] = ex.allocate("k_cache." + l, kvType, Shape.of(contextLength, kv));
            valueCache[l] = ex.allocate("v_cache." + l, kvType, Shape.of(contextLength, kv));
        }
        batches = new Batch[b + 1];
        host = arena.allocate(Math.max(4L * b, 4L * logitRows * c.vocabSize()), 64);
    }

    int contextLength() { return contextLength; }

    int batchSize() { return batchSize; }

    int maxLogitRows() { return normed.shape().rows(); }

    /** Runs {@code n} tokens from {@code tokens[from]} at positions {@code position..position+n-1}. */
    void forward(int[] tokens, int from, int n, int position) {
        if (n < 1 || n > batchSize) throw new IllegalArgumentException("batch of " + n + " tokens, allowed 1.." + batchSize);
        if (position < 0 || position + n > contextLength) {
            throw new IllegalArgumentException("positions " + position + ".." + (position + n - 1) + " exceed the context of " + contextLength);
        }
        for (int i = 0; i < n; i++) {
            int id = tokens[from + i];
            if (id < 0 || id >= c.vocabSize()) throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + c.vocabSize());
            host.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, id);
        }
        Batch B = batch(n);
        ex.write(B.ids, host.asSlice(0, 4L * n));
        ex.run(new GetRows(w.tokenEmbedding(), B.ids, B.x));
        for (int l = 0; l < c.blockCount(); l++) {
            attention(l, B, position);
            feedForward(l, B);
        }
        lastBatch = n;
    }

    private void attention(int l, Batch B, int position) {
        Weights.Layer L = w.layers().get(l);
        int hd = c.headDim(), heads = c.headCount(), kvHeads = c.headCountKv(), kv = c.kvDim(), n = B.x.shape().rows();
        LogicalTensor xn = B.xb, q = B.qa, k = B.ka, vv = B.v;
        ex.run(new RmsNorm(B.x, L.attnNorm(), c.rmsEps(), xn));
        ex.run(new MatMul(L.wq(), xn, L.bq(), q));
        ex.run(new MatMul(L.wk(), xn, L.bk(), k));
        ex.run(new MatMul(L.wv(), xn, L.bv(), vv));
        LogicalTensor qRot = B.qb, kRot = B.kb;
        if (L.qNorm() != null) {
            // qwen3: RMSNorm over each head, seen as the rows of an [n·heads, headDim] view; then RoPE back into q, k.
            ex.run(new RmsNorm(rows(qa, 0, n * heads, hd), L.qNorm(), c.rmsEps(), rows(qb, 0, n * heads, hd)));
            ex.run(new RmsNorm(rows(ka, 0, n * kvHeads, hd), L.kNorm(), c.rmsEps(), rows(kb, 0, n * kvHeads, hd)));
            qRot = q;
            kRot = k;
            q = B.qb;
            k = B.kb;
        }
        ex.run(new Rope(q, hd, c.ropeDimensionCount(), c.architecture().ropeMode(), c.ropeFreqBase(), w.ropeFactors(), position, qRot));
        ex.run(new Rope(k, hd, c.ropeDimensionCount(), c.architecture().ropeMode(), c.ropeFreqBase(), w.ropeFactors(), position, kRot));
        // Append this batch's K and V at their positions (converting to the cache type), then attend over the cache.
        ex.run(new Copy(kRot, ex.view(keyCache[l], position, Shape.of(n, kv))));
        ex.run(new Copy(vv, ex.view(valueCache[l], position, Shape.of(n, kv))));
        ex.run(new Attention(qRot, keyCache[l], valueCache[l], heads, kvHeads, position, attentionScale, B.att));
        ex.run(new MatMul(L.wo(), B.att, null, xn));
        ex.run(new Add(B.x, xn, B.x));
    }

    private void feedForward(int l, Batch B) {
        Weights.Layer L = w.layers().get(l);
        LogicalTensor xn = B.xb, g = B.gate, u = B.up;
        ex.run(new RmsNorm(B.x, L.ffnNorm(), c.rmsEps(), xn));
        ex.run(new MatMul(L.gate(), xn, null, g));
        ex.run(new MatMul(L.up(), xn, null, u));
        ex.run(new SwiGlu(g, u, g));
        ex.run(new MatMul(L.down(), g, null, xn));
        ex.run(new Add(B.x, xn, B.x));
    }

    /**
     * Logits for {@code count} rows of the last batch starting at {@code row}, into {@code dst} from {@code dstOffset}
     * ({@code count × vocab} floats). {@code count} is at most {@link #maxLogitRows()}.
     */
    void logits(int row, int count, float[] dst, int dstOffset) {
        LogicalTensor out = outputRows(row, count);
        ex.read(out, host.asSlice(0, out.byteSize()));
        MemorySegment.copy(host, FLOAT, 0, dst, dstOffset, count * c.vocabSize());
    }

    /** The most likely next token after {@code row} of the last batch, chosen on the device (reads back 4 bytes). */
    int argmax(int row) {
        ex.run(new Argmax(outputRows(row, 1), argmax));
        ex.read(argmax, host.asSlice(0, 4));
        return host.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    /** Final norm and output projection of rows row..row+count-1 of the last batch. */
    private LogicalTensor outputRows(int row, int count) {
        if (row < 0 || count < 1 || row + count > lastBatch || count > maxLogitRows()) {
            throw new IllegalArgumentException("logit rows " + row + "+" + count + " outside the last batch of " + lastBatch
                    + " (at most " + maxLogitRows() + " at once)");
        }
        LogicalTensor xn = rows(normed, 0, count), out = rows(logits, 0, count);
        ex.run(new RmsNorm(rows(x, row, count), w.outputNorm(), c.rmsEps(), xn));
        ex.run(new MatMul(w.output(), xn, null, out));
        return out;
    }

    private Batch batch(int n) {
        if (batches[n] == null) {
            batches[n] = new Batch(rows(ids, 0, 1, n), rows(x, 0, n), rows(xb, 0, n), rows(qa, 0, n), rows(qb, 0, n),
                    rows(ka, 0, n), rows(kb, 0, n), rows(v, 0, n), rows(att, 0, n), rows(gate, 0, n), rows(up, 0, n));
        }
        return batches[n];
    }

    /** The first n rows of each activation buffer ({@code ids} is one row: its first n elements). */
    private record Batch(LogicalTensor ids, LogicalTensor x, LogicalTensor xb, LogicalTensor qa, LogicalTensor qb,
                         LogicalTensor ka, LogicalTensor kb, LogicalTensor v, LogicalTensor att, LogicalTensor gate,
                         LogicalTensor up) {}

    private LogicalTensor rows(LogicalTensor base, int firstRow, int n) {
        return rows(base, firstRow, n, base.shape().cols());
    }

    /**
     * A view of {@code base} from {@code firstRow}, shaped [n, cols]. Memoized: backends may hold resources per view,
     * and batch views repeat (every generated token uses the same n = 1 views).
     */
    private LogicalTensor rows(LogicalTensor base, int firstRow, int n, int cols) {
        Shape shape = Shape.of(n, cols);
        if (firstRow == 0 && shape.equals(base.shape())) return base;
        return views.computeIfAbsent(new ViewKey(base, firstRow, shape), k -> ex.view(base, firstRow, shape));
    }

    private record ViewKey(LogicalTensor base, int firstRow, Shape shape) {}
}
