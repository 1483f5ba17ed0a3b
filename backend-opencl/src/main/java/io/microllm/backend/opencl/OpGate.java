package io.microllm.backend.opencl;

import io.microllm.spi.Op;
import io.microllm.spi.TensorType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Ops this backend declines on purpose: the user's op filter ({@code opencl.opFilter}, e.g. "Rope,Attention" or
 * "MatMul:Q4_K") and the built-in deny-list of driver bugs (deny-list.txt next to this class). Declined ops run on
 * another backend, so both are ways around a broken driver.
 */
final class OpGate {

    static final List<String> OP_NAMES = Arrays.stream(Op.class.getPermittedSubclasses()).map(Class::getSimpleName).toList();

    /** An op name, optionally narrowed to one type: the weight type of MatMul and GetRows, the KV type of Attention, the dst type of Copy. */
    record Rule(String op, TensorType type) {
        boolean matches(Op o) {
            return o.name().equals(op) && (type == null || type == keyType(o));
        }

        @Override
        public String toString() { return type == null ? op : op + ":" + type; }
    }

    /** A deny-list entry: the rule applies on devices whose name and driver version match the patterns. */
    record DenyEntry(Pattern device, Pattern driver, Rule rule, String why) {
        boolean appliesTo(ClDevice d) {
            return device.matcher(d.name()).find() && driver.matcher(d.driverVersion()).find();
        }
    }

    private final List<Rule> filter;
    private final List<DenyEntry> denied;

    /** {@code denyList} is already narrowed to this device. */
    OpGate(List<Rule> filter, List<DenyEntry> denyList) {
        this.filter = List.copyOf(filter);
        this.denied = List.copyOf(denyList);
    }

    /** Why {@code op} is declined, or null. */
    String declineReason(Op op) {
        for (Rule r : filter) {
            if (r.matches(op)) return op.name() + " is disabled by opencl.opFilter=" + filterText();
        }
        for (DenyEntry e : denied) {
            if (e.rule().matches(op)) return op.name() + " is on the OpenCL deny-list for this device/driver: " + e.why();
        }
        return null;
    }

    private String filterText() { return String.join(",", filter.stream().map(Rule::toString).toList()); }

    static TensorType keyType(Op o) {
        return switch (o) {
            case Op.MatMul m -> m.w().type();
            case Op.GetRows g -> g.table().type();
            case Op.Attention a -> a.k().type();
            case Op.Copy c -> c.dst().type();
            default -> null;
        };
    }

    /** Parses "Rope, Attention, MatMul:Q4_K"; unknown names fail with the list of valid ones. */
    static List<Rule> parseRules(String spec, String origin) {
        List<Rule> rules = new ArrayList<>();
        if (spec == null) return rules;
        for (String item : spec.split(",")) {
            String s = item.trim();
            if (s.isEmpty()) continue;
            String[] parts = s.split(":", 2);
            String op = OP_NAMES.stream().filter(n -> n.equalsIgnoreCase(parts[0].trim())).findFirst().orElseThrow(() ->
                    new IllegalArgumentException(origin + ": unknown op '" + parts[0].trim() + "'; ops are " + OP_NAMES));
            TensorType type = null;
            if (parts.length == 2) {
                try {
                    type = TensorType.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(origin + ": unknown type '" + parts[1].trim() + "' in '" + s
                            + "'; types are " + Arrays.toString(TensorType.values()));
                }
            }
            rules.add(new Rule(op, type));
        }
        return rules;
    }

    /** The built-in deny-list: lines "device regex | driver regex | Op[:TYPE] | why"; '#' starts a comment. */
    static List<DenyEntry> builtInDenyList() {
        try (InputStream in = OpGate.class.getResourceAsStream("deny-list.txt")) {
            if (in == null) throw new IllegalStateException("deny-list.txt is missing from the OpenCL backend jar");
            return parseDenyList(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<DenyEntry> parseDenyList(List<String> lines) {
        List<DenyEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split("\\|", 4);
            if (f.length != 4) throw new IllegalArgumentException("deny-list line " + (i + 1) + ": expected 4 fields separated by '|': " + line);
            List<Rule> rule = parseRules(f[2], "deny-list line " + (i + 1));
            if (rule.size() != 1) throw new IllegalArgumentException("deny-list line " + (i + 1) + ": one op per line");
            entries.add(new DenyEntry(Pattern.compile(f[0].strip()), Pattern.compile(f[1].strip()), rule.getFirst(), f[3].strip()));
        }
        return entries;
    }
}
