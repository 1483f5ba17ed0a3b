package io.microllm.conformance;

/**
 * The outcome of one case on one backend.
 *
 * @param nmse   the measured error, NaN when nothing was compared (rejections, unsupported, NaN outputs)
 * @param seed   the case's seed, derived from the suite seed and the case id
 * @param detail the error and the largest difference, the reason a backend declined, or what went wrong
 */
public record CaseResult(String op, String type, String params, OpClass opClass, Outcome outcome, double nmse,
                         long seed, String detail, long millis) {

    static CaseResult of(ConformanceCase c, Outcome outcome, double nmse, long seed, String detail, long millis) {
        return new CaseResult(c.op(), c.type(), c.params(), c.opClass(), outcome, nmse, seed, detail, millis);
    }

    /** {@code op(params)}, the case id. */
    public String id() { return op + "(" + params + ")"; }
}
