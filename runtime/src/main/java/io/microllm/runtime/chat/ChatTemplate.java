package io.microllm.runtime.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a conversation into prompt text with the model's own {@code tokenizer.chat_template} (Jinja, rendered by
 * Jinjava). HF templates use a few Python idioms Jinja engines lack ({@code messages[::-1]}, {@code str.startswith});
 * they are rewritten first. A template that still fails to render falls back to the built-in format of its family
 * (chatml, llama-3, llama-2), and {@link #description()} says so.
 */
public final class ChatTemplate {

    /** One chat message; roles are "system", "user" and "assistant". */
    public record Message(String role, String content) {}

    private final String source;
    private final String bos;
    private final String eos;
    private final ChatFormat fallback;
    private final Jinjava jinjava;
    private String description;

    private ChatTemplate(String source, String bos, String eos) {
        this.source = source == null ? null : PythonIdioms.rewrite(source);
        this.bos = bos;
        this.eos = eos;
        this.fallback = ChatFormat.detect(source);
        this.jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true).build());
        this.description = source == null ? "built-in " + fallback.name().toLowerCase() + " format (the model has no chat template)"
                : "the model's chat template (Jinjava)";
    }

    /** A template from GGUF metadata; {@code source} may be null (then the family format is guessed from tokens). */
    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        return new ChatTemplate(source, bosToken, eosToken);
    }

    /** Prompt text for {@code messages}; with {@code addGenerationPrompt} it ends where the assistant's reply starts. */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        if (source != null) {
            Map<String, Object> ctx = new HashMap<>();
            List<Map<String, Object>> msgs = new ArrayList<>();
            for (Message m : messages) msgs.add(new HashMap<>(Map.of("role", m.role(), "content", m.content())));
            ctx.put("messages", msgs);
            ctx.put("add_generation_prompt", addGenerationPrompt);
            ctx.put("bos_token", bos == null ? "" : bos);
            ctx.put("eos_token", eos == null ? "" : eos);
            RenderResult r = jinjava.renderForResult(source, ctx);
            List<TemplateError> fatal = r.getErrors().stream()
                    .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
            if (fatal.isEmpty()) return r.getOutput();
            description = "built-in " + fallback.name().toLowerCase() + " format (the model's template did not render: "
                    + fatal.getFirst().getMessage() + ")";
        }
        return fallback.render(messages, addGenerationPrompt, bos);
    }

    /** Which template produced the last rendering, for the user. */
    public String description() { return description; }
}
