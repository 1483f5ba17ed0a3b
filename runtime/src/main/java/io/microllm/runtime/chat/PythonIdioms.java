package io.microllm.runtime.chat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Rewrites the Python idioms and Jinja features of Hugging Face chat templates that Jinjava lacks. */
final class PythonIdioms {
    private static final Pattern REVERSED = Pattern.compile("(\\w+(?:\\.\\w+)*)\\[::-1\\]");
    private static final Pattern STARTS = Pattern.compile("\\.startswith\\(");
    private static final Pattern ENDS = Pattern.compile("\\.endswith\\(");
    private static final Pattern STRIP = Pattern.compile("\\.strip\\(\\)");
    private static final Pattern LSTRIP = Pattern.compile("\\.lstrip\\(\\)");
    private static final Pattern RSTRIP = Pattern.compile("\\.rstrip\\(\\)");
    private static final Pattern TRIM_BEFORE = Pattern.compile("\\s*\\{([{%])-");
    private static final Pattern TRIM_AFTER = Pattern.compile("-([}%])}\\s*");
    private static final Pattern NAMESPACE = Pattern.compile("namespace\\(([^()]*)\\)");
    private static final Pattern NAMED_ARG = Pattern.compile("(\\w+)\\s*=\\s*([^,]+)");

    private PythonIdioms() {}

    static String rewrite(String t) {
        // Jinja's whitespace control ({{- x -}}, {%- x -%}), applied here: Jinjava ignores it on expressions.
        t = TRIM_BEFORE.matcher(t).replaceAll(m -> Matcher.quoteReplacement("{" + m.group(1)));
        t = TRIM_AFTER.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "}"));
        t = REVERSED.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "|reverse"));
        t = STARTS.matcher(t).replaceAll(".startsWith(");
        t = ENDS.matcher(t).replaceAll(".endsWith(");
        t = STRIP.matcher(t).replaceAll(".trim()");
        t = LSTRIP.matcher(t).replaceAll(".stripLeading()");
        t = RSTRIP.matcher(t).replaceAll(".stripTrailing()");
        // Jinjava binds "name=a - 1" as "(name=a) - 1": parenthesize namespace() argument values.
        t = NAMESPACE.matcher(t).replaceAll(m -> Matcher.quoteReplacement("namespace("
                + NAMED_ARG.matcher(m.group(1)).replaceAll(a -> Matcher.quoteReplacement(a.group(1) + "=(" + a.group(2).strip() + ")"))
                + ")"));
        return t;
    }
}
