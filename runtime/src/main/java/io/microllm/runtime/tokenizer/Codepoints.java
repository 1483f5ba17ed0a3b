package io.microllm.runtime.tokenizer;

/**
 * The Unicode classes llama.cpp's pre-tokenizers test (its unicode.cpp flags), taken from the JDK's Unicode tables.
 * Letters and numbers are the general categories L and N; whitespace is the Unicode White_Space property (not
 * {@link Character#isWhitespace}, which leaves out U+00A0 and adds U+001C..U+001F). The JDK may know a newer Unicode
 * version than llama.cpp's tables, which only matters for code points assigned in between.
 */
final class Codepoints {
    /** Stand-in for a code point outside the current fragment, like llama.cpp's OUT_OF_RANGE. */
    static final int OUT_OF_RANGE = -1;

    // Single-char stand-ins for non-ASCII code points in llama.cpp's "collapsed" text, which lets an ASCII-only
    // regex engine evaluate \p{L}, \p{N}, ... (see unicode_regex_split).
    static final char COLLAPSED_OTHER = 0xD0;
    static final char COLLAPSED_NUMBER = 0xD1;
    static final char COLLAPSED_LETTER = 0xD2;
    static final char COLLAPSED_PUNCTUATION = 0xD3;
    static final char COLLAPSED_MARK = 0xD4;
    static final char COLLAPSED_SYMBOL = 0xD5;
    static final char COLLAPSED_WHITESPACE = 0x0B;

    private Codepoints() {}

    static boolean isLetter(int cp) {
        return cp >= 0 && Character.isLetter(cp);
    }

    static boolean isNumber(int cp) {
        if (cp < 0) return false;
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    /** llama.cpp's collapsed form of one code point: ASCII as is, everything else by class. */
    static char collapsed(int cp) {
        if (cp < 0x80) return (char) cp;
        if (isWhitespace(cp)) return COLLAPSED_WHITESPACE;
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> COLLAPSED_LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> COLLAPSED_NUMBER;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> COLLAPSED_PUNCTUATION;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> COLLAPSED_MARK;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL ->
                    COLLAPSED_SYMBOL;
            default -> COLLAPSED_OTHER;
        };
    }

    /**
     * Rejects text with an unpaired surrogate: it has no UTF-8 form, so llama.cpp could never be given it (and
     * Java's UTF-8 encoder would silently turn it into '?').
     */
    static void requireWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("text has an unpaired surrogate U+" + Integer.toHexString(c).toUpperCase()
                        + " at index " + i + "; it cannot be encoded as UTF-8");
            }
        }
    }
}
