package io.microllm.runtime.chat;

import static org.junit.jupiter.api.Assertions.*;

import io.microllm.runtime.gguf.GgufFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Renders the real chat templates stored in ../shared/testdata/tokenizer (Llama-3 and Qwen3 vocab GGUFs). */
class ChatTemplateTest {
    static final Path TOKENIZERS = Path.of(System.getProperty("microllm.shared.dir", "../../shared"), "testdata", "tokenizer");
    static final List<ChatTemplate.Message> CHAT = List.of(
            new ChatTemplate.Message("system", "Be brief."), new ChatTemplate.Message("user", "hi"));

    static String template(String file) throws Exception {
        try (GgufFile f = GgufFile.open(TOKENIZERS.resolve(file))) {
            return f.getString("tokenizer.chat_template");
        }
    }

    @Test
    void llama3TemplateRendersThroughJinjava() throws Exception {
        ChatTemplate t = ChatTemplate.of(template("vocab-llama3.gguf"), "<|begin_of_text|>", "<|eot_id|>");
        String out = t.render(CHAT, true);
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", out);
        assertTrue(t.description().contains("Jinjava"), t.description());
    }

    @Test
    void qwen3TemplateRendersThroughJinjavaAfterRewrites() throws Exception {
        ChatTemplate t = ChatTemplate.of(template("vocab-qwen3.gguf"), null, "<|im_end|>");
        String out = t.render(CHAT, true);
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", out);
        assertTrue(t.description().contains("Jinjava"), t.description());
    }

    @Test
    void withoutTemplateTheFamilyFormatIsUsedAndSaidSo() {
        ChatTemplate t = ChatTemplate.of(null, "<s>", "</s>");
        assertEquals("<|im_start|>user\nhi<|im_end|>\n", t.render(List.of(new ChatTemplate.Message("user", "hi")), false));
        assertTrue(t.description().contains("no chat template"), t.description());
    }

    @Test
    void llama2FamilyIsDetectedFromItsTokens() {
        ChatTemplate t = ChatTemplate.of("{{ raise_exception('x') }}[INST]", "<s>", "</s>");
        String out = t.render(List.of(new ChatTemplate.Message("system", "S"), new ChatTemplate.Message("user", "hi")), true);
        assertEquals("<s>[INST] <<SYS>>\nS\n<</SYS>>\n\nhi [/INST]", out);
        assertTrue(t.description().startsWith("built-in llama2"), t.description());
    }
}
