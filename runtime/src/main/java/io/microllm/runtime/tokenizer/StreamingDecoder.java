package io.microllm.runtime.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated token ids into text as they arrive. A character whose UTF-8 bytes are spread over several tokens
 * (byte-fallback or byte-level pieces) is returned once its last byte arrives, never in halves. Special tokens
 * appear as their text and no leading space is removed: the output continues a prompt. Bytes that can never form
 * valid UTF-8 become U+FFFD. Not thread-safe; use one per stream.
 */
public final class StreamingDecoder {
    private final TokenTable table;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes of an unfinished character, kept between calls (ready for reading). */
    private ByteBuffer pending = ByteBuffer.allocate(0);

    StreamingDecoder(TokenTable table) {
        this.table = table;
    }

    /**
     * Adds one token and returns the text it completes (possibly empty).
     *
     * @throws IllegalArgumentException naming an id outside the vocabulary
     */
    public String feed(int id) {
        byte[] piece = table.piece(id);
        ByteBuffer in = ByteBuffer.allocate(pending.remaining() + piece.length).put(pending).put(piece).flip();
        CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
        utf8.decode(in, out, false); // stops before a trailing incomplete character
        pending = in;
        return table.unescapeSpaces(out.flip().toString());
    }

    /** Ends the stream: returns U+FFFD for an unfinished character, if any, and resets the decoder. */
    public String finish() {
        CharBuffer out = CharBuffer.allocate(pending.remaining() + 1);
        utf8.decode(pending, out, true);
        utf8.flush(out);
        utf8.reset();
        pending = ByteBuffer.allocate(0);
        return table.unescapeSpaces(out.flip().toString());
    }

    /** Whether bytes of an unfinished character are waiting for the next token. */
    public boolean hasPendingBytes() {
        return pending.hasRemaining();
    }
}
