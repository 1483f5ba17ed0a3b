package io.microllm.cli;

import io.microllm.runtime.gguf.GgufFile;
import io.microllm.runtime.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints token ids, space-separated on one line. Reads only the GGUF metadata, never the weights. */
@Command(name = "tokenize", description = "Print the token ids of a text, space-separated, on one line.")
final class TokenizeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model or vocab file.")
    Path model;

    @Option(names = {"-p", "--prompt"}, required = true, description = "Text to tokenize.")
    String text;

    @Option(names = "--no-bos", description = "Do not add BOS (and other special tokens) even if the model adds them.")
    boolean noBos;

    @Override
    public Integer call() throws Exception {
        try (GgufFile gguf = GgufFile.open(model)) {
            int[] ids = Tokenizer.fromGguf(gguf).encode(text, !noBos);
            StringBuilder sb = new StringBuilder();
            for (int id : ids) sb.append(sb.isEmpty() ? "" : " ").append(id);
            PrintWriter out = spec.commandLine().getOut();
            out.println(sb);
            out.flush();
        }
        return 0;
    }
}
