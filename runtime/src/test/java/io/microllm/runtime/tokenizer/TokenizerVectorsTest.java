package io.microllm.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every line of tokenizer-vectors.jsonl: our ids must equal llama-tokenize's, without and with BOS. */
class TokenizerVectorsTest {
    @Test
    void vectorsCoverFiveVocabulariesOf42Strings() {
        assertEquals(TokenizerTestData.VOCABS, TokenizerTestData.vectors().stream().map(TokenizerTestData.Vector::vocab).distinct().toList());
    }

    @ParameterizedTest
    @FieldSource("io.microllm.runtime.tokenizer.TokenizerTestData#VOCABS")
    void idsEqualLlamaCpp(String vocab) {
        Tokenizer tokenizer = TokenizerTestData.tokenizer(vocab);
        List<String> failures = new ArrayList<>();
        List<TokenizerTestData.Vector> vectors = TokenizerTestData.vectors(vocab);
        int identical = 0;
        for (TokenizerTestData.Vector v : vectors) {
            int[] noBos = tokenizer.encode(v.text(), false);
            int[] withBos = tokenizer.encode(v.text(), true);
            boolean same = true;
            if (!Arrays.equals(v.idsNoBos(), noBos)) {
                failures.add(TokenizerTestData.quote(v.text()) + " without BOS: expected " + Arrays.toString(v.idsNoBos()) + ", got " + Arrays.toString(noBos));
                same = false;
            }
            if (!Arrays.equals(v.idsWithBos(), withBos)) {
                failures.add(TokenizerTestData.quote(v.text()) + " with BOS: expected " + Arrays.toString(v.idsWithBos()) + ", got " + Arrays.toString(withBos));
                same = false;
            }
            if (same) identical++;
        }
        System.out.printf("[tokenizer] %s: %d/%d identical to llama.cpp%n", vocab, identical, vectors.size());
        assertTrue(failures.isEmpty(), vocab + ":\n" + String.join("\n", failures));
    }
}
