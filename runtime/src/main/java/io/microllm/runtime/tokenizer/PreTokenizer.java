package io.microllm.runtime.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the words that byte-level BPE merges within, exactly like llama.cpp's {@code unicode_regex_split}
 * for a {@code tokenizer.ggml.pre} type: a list of regexes applied one after the other, each splitting the pieces
 * the previous one produced (matches and the gaps between them both become pieces).
 *
 * <p>llama.cpp runs the GPT-2 and Llama-3 regexes with hand-written matchers, and every other regex with
 * {@code std::regex} on a "collapsed" copy of the text in which each non-ASCII code point is replaced by one
 * stand-in byte for its Unicode class (so {@code \p{L}} becomes {@code [\xD2A-Za-z]}, and non-ASCII whitespace
 * becomes {@code \x0B}). Both paths are reproduced here, quirks included, because they decide the token ids.
 */
final class PreTokenizer {
    static final String GPT2_REGEX = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    static final String LLAMA3_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** The form in Llama-3's tokenizer.json; llama.cpp recognizes it too. */
    static final String LLAMA3_REGEX_ORIGINAL = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2_REGEX = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+"
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** What a {@code tokenizer.ggml.pre} name selects in llama.cpp (llama_vocab::impl::load). */
    record Spec(List<String> regexes, boolean ignoreMerges, boolean addBosByDefault) {}

    private static final Spec DEFAULT = new Spec(
            List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2_REGEX, "\\p{N}+", "[0-9][0-9][0-9]"), false, false);
    private static final Spec GPT2 = new Spec(List.of(GPT2_REGEX), false, false);
    private static final Spec LLAMA3 = new Spec(List.of(LLAMA3_REGEX), true, true);
    private static final Spec LLAMA3_REGEX_ONLY = new Spec(List.of(LLAMA3_REGEX), false, false);
    private static final Spec QWEN2 = new Spec(List.of(QWEN2_REGEX), false, false);
    private static final Spec SMOLLM = new Spec(List.of("\\p{N}", GPT2_REGEX), false, false);

    private static final Map<String, Spec> BY_NAME = Map.ofEntries(
            Map.entry("default", DEFAULT),
            Map.entry("llama3", LLAMA3), Map.entry("llama-v3", LLAMA3), Map.entry("llama-bpe", LLAMA3),
            Map.entry("falcon3", LLAMA3), Map.entry("falcon-h1", LLAMA3), Map.entry("pixtral", LLAMA3),
            Map.entry("dbrx", LLAMA3_REGEX_ONLY), Map.entry("smaug-bpe", LLAMA3_REGEX_ONLY),
            Map.entry("gpt-2", GPT2), Map.entry("phi-2", GPT2), Map.entry("mpt", GPT2), Map.entry("olmo", GPT2),
            Map.entry("jais", GPT2), Map.entry("exaone4", GPT2),
            Map.entry("qwen2", QWEN2), Map.entry("deepseek-r1-qwen", QWEN2), Map.entry("stablelm2", QWEN2),
            Map.entry("megrez", QWEN2), Map.entry("hunyuan", QWEN2),
            Map.entry("smollm", SMOLLM), Map.entry("starcoder", SMOLLM), Map.entry("refact", SMOLLM),
            Map.entry("command-r", SMOLLM), Map.entry("codeshell", SMOLLM), Map.entry("exaone", SMOLLM),
            Map.entry("minerva-7b", SMOLLM));

    /** llama.cpp's \p{...} classes, as the stand-in byte plus the ASCII members (k_ucat_cpt, k_ucat_map). */
    private static final String LETTER_CLASS = "\\x{D2}\\x{41}-\\x{5A}\\x{61}-\\x{7A}";
    private static final Map<String, String> COLLAPSED_CLASSES = Map.of(
            "\\p{N}", "\\x{D1}\\x{30}-\\x{39}",
            "\\p{L}", LETTER_CLASS, "\\p{Lu}", LETTER_CLASS, "\\p{Ll}", LETTER_CLASS, "\\p{Lt}", LETTER_CLASS,
            "\\p{Lm}", LETTER_CLASS, "\\p{Lo}", LETTER_CLASS,
            "\\p{P}", "\\x{D3}\\x{21}-\\x{23}\\x{25}-\\x{2A}\\x{2C}-\\x{2F}\\x{3A}-\\x{3B}\\x{3F}-\\x{40}\\x{5B}-\\x{5D}\\x{5F}\\x{7B}\\x{7D}",
            "\\p{M}", "\\x{D4}",
            "\\p{S}", "\\x{D5}\\x{24}\\x{2B}\\x{3C}-\\x{3E}\\x{5E}\\x{60}\\x{7C}");

    private final List<Step> steps;

    private PreTokenizer(List<Step> steps) {
        this.steps = steps;
    }

    /** The spec for a {@code tokenizer.ggml.pre} value; a missing one (null or empty) means "default", like llama.cpp. */
    static Spec spec(String pre) {
        String name = pre == null || pre.isEmpty() ? "default" : pre;
        Spec spec = BY_NAME.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unsupported pre-tokenizer type tokenizer.ggml.pre = '" + pre
                    + "'; supported: " + new java.util.TreeSet<>(BY_NAME.keySet()));
        }
        return spec;
    }

    static PreTokenizer of(Spec spec) {
        return new PreTokenizer(spec.regexes().stream().map(PreTokenizer::step).toList());
    }

    /** The step llama.cpp uses for one regex: a hand-written matcher where it has one, else the regex engine. */
    static Step step(String regex) {
        if (regex.equals(GPT2_REGEX)) return PreTokenizer::splitGpt2;
        if (regex.equals(LLAMA3_REGEX) || regex.equals(LLAMA3_REGEX_ORIGINAL)) return PreTokenizer::splitLlama3;
        return regexStep(regex);
    }

    /** A regex run through the regex engine the way llama.cpp's std::regex fallback runs it. */
    static Step regexStep(String regex) {
        boolean collapse = COLLAPSED_CLASSES.keySet().stream().anyMatch(regex::contains);
        Pattern pattern = Pattern.compile(collapse ? collapsePattern(regex) : regex);
        return (text, fragments) -> splitWithRegex(collapse ? text.collapsed() : text.wide(), pattern, fragments);
    }

    /** The words of {@code text} (free of unpaired surrogates), in order; they concatenate to the text. */
    List<String> split(String text) {
        Text t = new Text(text.codePoints().toArray());
        IntList fragments = new IntList();
        if (t.cps.length > 0) fragments.add(t.cps.length);
        for (Step step : steps) fragments = step.split(t, fragments);
        List<String> words = new ArrayList<>(fragments.size());
        int start = 0;
        for (int i = 0; i < fragments.size(); i++) {
            words.add(new String(t.cps, start, fragments.get(i)));
            start += fragments.get(i);
        }
        return words;
    }

    /** One regex's split: takes fragment lengths (in code points), returns finer ones covering the same text. */
    @FunctionalInterface
    interface Step {
        IntList split(Text text, IntList fragments);
    }

    /** The code points of the text being split, plus the two single-char-per-code-point views regexes run on. */
    static final class Text {
        final int[] cps;
        private String collapsed;
        private String wide;

        Text(int[] cps) {
            this.cps = cps;
        }

        String collapsed() {
            if (collapsed == null) {
                char[] chars = new char[cps.length];
                for (int i = 0; i < cps.length; i++) chars[i] = Codepoints.collapsed(cps[i]);
                collapsed = new String(chars);
            }
            return collapsed;
        }

        /**
         * For regexes without Unicode classes llama.cpp uses std::wregex with non-ASCII whitespace turned into \x0B.
         * Supplementary code points become U+FFFD here so that indexes stay one char per code point; the regexes
         * that take this path match ASCII only.
         */
        String wide() {
            if (wide == null) {
                char[] chars = new char[cps.length];
                for (int i = 0; i < cps.length; i++) {
                    int cp = cps[i];
                    chars[i] = cp > 0x7F && Codepoints.isWhitespace(cp) ? Codepoints.COLLAPSED_WHITESPACE
                            : Character.isBmpCodePoint(cp) ? (char) cp : '\uFFFD';
                }
                wide = new String(chars);
            }
            return wide;
        }
    }

    /** llama.cpp's rewrite of a regex for the collapsed text: each known \p{X} becomes its class (inside [] or not). */
    static String collapsePattern(String regex) {
        StringBuilder out = new StringBuilder();
        boolean inside = false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '[' && (i == 0 || regex.charAt(i - 1) != '\\')) {
                out.append('[');
                inside = true;
                continue;
            }
            if (inside && c == ']' && regex.charAt(i - 1) != '\\') {
                out.append(']');
                inside = false;
                continue;
            }
            if (c == '\\' && i + 3 < regex.length() && regex.charAt(i + 1) == 'p' && regex.charAt(i + 2) == '{') {
                int close = regex.indexOf('}', i + 3);
                String members = close >= 0 && close <= i + 10 ? COLLAPSED_CLASSES.get(regex.substring(i, close + 1)) : null;
                if (members != null) {
                    out.append(inside ? members : "[" + members + "]");
                    i = close;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static IntList splitWithRegex(String text, Pattern pattern, IntList fragments) {
        IntList out = new IntList();
        Matcher m = pattern.matcher(text);
        int start = 0;
        for (int f = 0; f < fragments.size(); f++) {
            int end = start + fragments.get(f);
            m.region(start, end); // opaque bounds: lookahead sees the fragment end as the end of input, like std::regex
            int prev = start;
            while (m.find()) {
                if (m.start() > prev) out.add(m.start() - prev);
                out.add(m.end() - m.start());
                prev = m.end();
            }
            if (prev < end) out.add(end - prev);
            start = end;
        }
        return out;
    }

    /** Cursor over one fragment of code points; positions outside it read as {@link Codepoints#OUT_OF_RANGE}. */
    private static final class Cursor {
        final int[] cps;
        final int begin;
        final int end;
        final IntList out;
        int prevEnd;

        Cursor(int[] cps, int begin, int end, IntList out) {
            this.cps = cps;
            this.begin = begin;
            this.end = end;
            this.out = out;
            this.prevEnd = begin;
        }

        int cp(int pos) {
            return pos >= begin && pos < end ? cps[pos] : Codepoints.OUT_OF_RANGE;
        }

        boolean letter(int pos) { return Codepoints.isLetter(cp(pos)); }

        boolean number(int pos) { return Codepoints.isNumber(cp(pos)); }

        boolean space(int pos) { return Codepoints.isWhitespace(cp(pos)); }

        /** [^\s\p{L}\p{N}] inside the fragment (llama.cpp: no whitespace/letter/number flag, but some flag). */
        boolean other(int pos) {
            int c = cp(pos);
            return c != Codepoints.OUT_OF_RANGE && !Codepoints.isWhitespace(c) && !Codepoints.isLetter(c) && !Codepoints.isNumber(c);
        }

        /** Ends the current word at {@code pos}; returns its length (0 adds nothing). */
        int emit(int pos) {
            int len = pos - prevEnd;
            if (len > 0) out.add(len);
            prevEnd = pos;
            return len;
        }
    }

    private static int lower(int cp) {
        return cp < 0 ? cp : Character.toLowerCase(cp);
    }

    /** llama.cpp unicode_regex_split_custom_gpt2: the GPT-2 regex above (plus a trailing \s+). */
    static IntList splitGpt2(Text text, IntList fragments) {
        IntList out = new IntList();
        int start = 0;
        for (int f = 0; f < fragments.size(); f++) {
            Cursor c = new Cursor(text.cps, start, start + fragments.get(f), out);
            start = c.end;
            for (int pos = c.begin; pos < c.end; ) {
                int cpt = c.cp(pos);
                // 's|'t|'re|'ve|'m|'ll|'d
                if (cpt == '\'' && pos + 1 < c.end) {
                    int next = c.cp(pos + 1);
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += c.emit(pos + 2);
                        continue;
                    }
                    if (pos + 2 < c.end) {
                        int next2 = c.cp(pos + 2);
                        if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                            pos += c.emit(pos + 3);
                            continue;
                        }
                    }
                }
                int at = cpt == ' ' ? pos + 1 : pos; // the class test looks past an optional leading space
                // <space>?\p{L}+
                if (c.letter(at)) {
                    pos = at;
                    while (c.letter(pos)) pos++;
                    c.emit(pos);
                    continue;
                }
                // <space>?\p{N}+
                if (c.number(at)) {
                    pos = at;
                    while (c.number(pos)) pos++;
                    c.emit(pos);
                    continue;
                }
                // <space>?[^\s\p{L}\p{N}]+
                if (c.other(at)) {
                    pos = at;
                    while (c.other(pos)) pos++;
                    c.emit(pos);
                    continue;
                }
                int spaces = 0;
                while (c.space(pos + spaces)) spaces++;
                // \s+(?!\S): a whitespace run before a non-space leaves its last space to the next word
                if (spaces > 1 && c.cp(pos + spaces) != Codepoints.OUT_OF_RANGE) {
                    pos += spaces - 1;
                    c.emit(pos);
                    continue;
                }
                // \s+
                if (spaces > 0) {
                    pos += spaces;
                    c.emit(pos);
                    continue;
                }
                c.emit(++pos); // no match: one code point on its own
            }
        }
        return out;
    }

    /** llama.cpp unicode_regex_split_custom_llama3: the Llama-3 regex above. */
    static IntList splitLlama3(Text text, IntList fragments) {
        IntList out = new IntList();
        int start = 0;
        for (int f = 0; f < fragments.size(); f++) {
            Cursor c = new Cursor(text.cps, start, start + fragments.get(f), out);
            start = c.end;
            for (int pos = c.begin; pos < c.end; ) {
                int cpt = c.cp(pos);
                // (?i:'s|'t|'re|'ve|'m|'ll|'d)
                if (cpt == '\'' && pos + 1 < c.end) {
                    int next = lower(c.cp(pos + 1));
                    if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                        pos += c.emit(pos + 2);
                        continue;
                    }
                    if (pos + 2 < c.end) {
                        int next2 = lower(c.cp(pos + 2));
                        if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                            pos += c.emit(pos + 3);
                            continue;
                        }
                    }
                }
                // [^\r\n\p{L}\p{N}]?\p{L}+
                if (!(cpt == '\r' || cpt == '\n' || c.number(pos)) && (c.letter(pos) || c.letter(pos + 1))) {
                    pos++;
                    while (c.letter(pos)) pos++;
                    c.emit(pos);
                    continue;
                }
                // \p{N}{1,3}
                if (c.number(pos)) {
                    int groupStart = pos;
                    while (c.number(pos)) {
                        if (++pos - groupStart >= 3) {
                            c.emit(pos);
                            groupStart = pos;
                        }
                    }
                    c.emit(pos);
                    continue;
                }
                // <space>?[^\s\p{L}\p{N}]+[\r\n]*  (llama.cpp tests the flags after the optional space, and
                // only that the current code point is inside the fragment)
                int at = cpt == ' ' ? pos + 1 : pos;
                if (!c.space(at) && !c.letter(at) && !c.number(at)) {
                    pos = at;
                    while (c.other(pos)) pos++;
                    while (c.cp(pos) == '\r' || c.cp(pos) == '\n') pos++;
                    c.emit(pos);
                    continue;
                }
                int spaces = 0;
                int lastLineBreakEnd = 0;
                while (c.space(pos + spaces)) {
                    int cp2 = c.cp(pos + spaces);
                    if (cp2 == '\r' || cp2 == '\n') lastLineBreakEnd = pos + spaces + 1;
                    spaces++;
                }
                // \s*[\r\n]+
                if (lastLineBreakEnd > 0) {
                    pos = lastLineBreakEnd;
                    c.emit(pos);
                    continue;
                }
                // \s+(?!\S)
                if (spaces > 1 && c.cp(pos + spaces) != Codepoints.OUT_OF_RANGE) {
                    pos += spaces - 1;
                    c.emit(pos);
                    continue;
                }
                // \s+
                if (spaces > 0) {
                    pos += spaces;
                    c.emit(pos);
                    continue;
                }
                c.emit(++pos);
            }
        }
        return out;
    }
}
