package io.microllm.runtime.tokenizer;

/**
 * GPT-2's byte-level alphabet: every byte maps to one printable code point, so byte-level BPE vocabularies are
 * plain strings. Printable Latin-1 bytes map to themselves, the other 68 to U+0100 upwards in byte order
 * (llama.cpp unicode_byte_to_utf8_map).
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = (char) (printable ? b : next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The byte-level spelling of UTF-8 bytes. */
    static String encode(byte[] utf8) {
        char[] chars = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) chars[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        return new String(chars);
    }

    /** The byte a code point of the alphabet stands for, or -1 if it is not part of the alphabet. */
    static int byteOf(int cp) {
        return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
    }
}
