package org.btda.it.swarm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pulls numeric fields out of the small, flat JSON answers of client RPC APIs; no JSON library needed for that. */
final class Json {
    private Json() {
    }

    /** Every numeric value of {@code field}, quoted ("123", as aria2 sends) or not, in order of appearance. */
    static List<Double> numbers(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"?(-?[0-9.eE+-]+)\"?").matcher(json);
        List<Double> out = new ArrayList<>();
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }

    static double single(String json, String field) {
        List<Double> all = numbers(json, field);
        if (all.size() != 1) {
            throw new IllegalStateException("expected one \"" + field + "\" in " + abbreviate(json));
        }
        return all.get(0);
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }
}
