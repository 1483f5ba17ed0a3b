package io.microllm.runtime.chat;

import java.util.List;

/** Built-in prompt formats of the common families, used when a model has no template or it cannot be rendered. */
enum ChatFormat {
    CHATML {
        @Override
        String render(List<ChatTemplate.Message> messages, boolean addGenerationPrompt, String bos) {
            StringBuilder sb = new StringBuilder();
            for (var m : messages) sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
            if (addGenerationPrompt) sb.append("<|im_start|>assistant\n");
            return sb.toString();
        }
    },
    LLAMA3 {
        @Override
        String render(List<ChatTemplate.Message> messages, boolean addGenerationPrompt, String bos) {
            StringBuilder sb = new StringBuilder(bos == null ? "" : bos);
            for (var m : messages) {
                sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                        .append(m.content().strip()).append("<|eot_id|>");
            }
            if (addGenerationPrompt) sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            return sb.toString();
        }
    },
    LLAMA2 {
        @Override
        String render(List<ChatTemplate.Message> messages, boolean addGenerationPrompt, String bos) {
            StringBuilder sb = new StringBuilder();
            String system = null;
            for (var m : messages) {
                switch (m.role()) {
                    case "system" -> system = m.content();
                    case "user" -> {
                        sb.append(bos == null ? "" : bos).append("[INST] ");
                        if (system != null) sb.append("<<SYS>>\n").append(system).append("\n<</SYS>>\n\n");
                        system = null;
                        sb.append(m.content().strip()).append(" [/INST]");
                    }
                    default -> sb.append(' ').append(m.content().strip()).append(' ');
                }
            }
            return sb.toString();
        }
    };

    abstract String render(List<ChatTemplate.Message> messages, boolean addGenerationPrompt, String bos);

    /** The family of a template, from the special tokens it mentions; chatml when unknown (SmolLM, Qwen). */
    static ChatFormat detect(String template) {
        if (template == null) return CHATML;
        if (template.contains("<|start_header_id|>")) return LLAMA3;
        if (template.contains("[INST]")) return LLAMA2;
        return CHATML;
    }
}
