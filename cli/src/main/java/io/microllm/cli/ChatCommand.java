package io.microllm.cli;

import io.microllm.runtime.chat.ChatTemplate;
import io.microllm.runtime.model.Generation;
import io.microllm.runtime.model.GenerationOptions;
import io.microllm.runtime.model.Model;
import io.microllm.runtime.tokenizer.Tokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** An interactive chat with the model's own chat template; the KV cache is reused across turns. */
@Command(name = "chat", description = "Chat interactively, using the model's chat template. Type /exit or end input to quit.")
final class ChatCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelArgs modelArgs;
    @Mixin SamplingArgs sampling;

    @Option(names = {"-sys", "--system-prompt"}, description = "A system message to start the conversation with.")
    String systemPrompt;

    @Option(names = {"-n", "--n-predict"}, defaultValue = "512", description = "Most tokens per reply (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GenerationOptions options = GenerationOptions.of(maxTokens).withSampler(sampling.config());   // bad flags fail before loading
        try (Model model = modelArgs.load()) {
            Reports.loaded(err, modelArgs.model, model);
            Tokenizer tok = model.tokenizer();
            ChatTemplate template = ChatTemplate.of(model.gguf().find("tokenizer.chat_template").map(Object::toString).orElse(null),
                    tok.bos() < 0 ? null : tok.piece(tok.bos()), tok.eos() < 0 ? null : tok.piece(tok.eos()));
            List<ChatTemplate.Message> messages = new ArrayList<>();
            if (systemPrompt != null) messages.add(new ChatTemplate.Message("system", systemPrompt));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            boolean first = true;
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) break;
                if (line.isBlank()) continue;
                messages.add(new ChatTemplate.Message("user", line));
                String prompt = template.render(messages, true);
                if (first) {
                    err.println("microllm: chat format: " + template.description());
                    first = false;
                }
                // The template writes BOS itself when the model uses one, so the prompt is tokenized without adding it.
                int[] ids = tok.encode(prompt, false);
                Generation g = model.generate(ids, options,
                        t -> { out.print(t); out.flush(); });
                out.println();
                messages.add(new ChatTemplate.Message("assistant", g.text()));
                err.printf("microllm: %d tokens, %.1f tokens/s%n", g.timings().generatedTokens(), g.timings().generationTokensPerSecond());
                err.flush();
            }
        }
        return 0;
    }
}
