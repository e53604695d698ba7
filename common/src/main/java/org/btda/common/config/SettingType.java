package org.btda.common.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a setting's text form is parsed and printed. {@link #parse} throws {@link IllegalArgumentException} with a short
 * reason; {@link Settings} adds the key and the offending value to the message.
 */
public final class SettingType<T> {
    private static final int MAX_TEXT = 64 * 1024;
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    public static final SettingType<Integer> INT = new SettingType<>("int", s -> parseNumber(s, Integer::parseInt), String::valueOf);
    public static final SettingType<Long> LONG = new SettingType<>("long", s -> parseNumber(s, Long::parseLong), String::valueOf);
    public static final SettingType<Double> DOUBLE = new SettingType<>("double", SettingType::parseDouble, String::valueOf);
    public static final SettingType<Boolean> BOOLEAN = new SettingType<>("boolean", SettingType::parseBoolean, String::valueOf);
    public static final SettingType<String> STRING = new SettingType<>("string", s -> s, s -> s);
    public static final SettingType<Duration> DURATION = new SettingType<>("duration", SettingType::parseDuration, SettingType::formatDuration);
    public static final SettingType<Path> PATH = new SettingType<>("path", SettingType::parsePath, Path::toString);
    public static final SettingType<List<String>> LIST = new SettingType<>("list", SettingType::parseList, l -> String.join(",", l));
    /** Empty text = not set; used where empty means "derive from another setting". */
    public static final SettingType<Optional<Duration>> OPTIONAL_DURATION = optional(DURATION);
    public static final SettingType<Optional<Path>> OPTIONAL_PATH = optional(PATH);

    private final String name;
    private final Function<String, T> parser;
    private final Function<T, String> formatter;

    private SettingType(String name, Function<String, T> parser, Function<T, String> formatter) {
        this.name = name;
        this.parser = parser;
        this.formatter = formatter;
    }

    /** One of a few fixed words, compared without regard to case; the value is the word as listed. */
    public static SettingType<String> oneOf(String... allowed) {
        return new SettingType<>("string", s -> {
            for (String a : allowed) {
                if (a.equalsIgnoreCase(s.strip())) return a;
            }
            throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
        }, s -> s);
    }

    /** Whole numbers within [min, max]. */
    public static SettingType<Integer> ints(int min, int max) {
        return new SettingType<>("int", s -> {
            int v = parseNumber(s, Integer::parseInt);
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return v;
        }, String::valueOf);
    }

    /** Whole numbers within [min, max]. */
    public static SettingType<Long> longs(long min, long max) {
        return new SettingType<>("long", s -> {
            long v = parseNumber(s, Long::parseLong);
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return v;
        }, String::valueOf);
    }

    /** Numbers greater than {@code minExclusive} and at most {@code max}. */
    public static SettingType<Double> doubles(double minExclusive, double max) {
        return new SettingType<>("double", s -> {
            double v = parseDouble(s);
            if (!(v > minExclusive) || v > max) {
                throw new IllegalArgumentException("must be greater than " + minExclusive + " and at most " + max);
            }
            return v;
        }, String::valueOf);
    }

    /** A type whose empty text means "absent". */
    public static <V> SettingType<Optional<V>> optional(SettingType<V> inner) {
        return new SettingType<>("optional " + inner.name,
                s -> s.isBlank() ? Optional.empty() : Optional.of(inner.parse(s)),
                o -> o.map(inner::format).orElse(""));
    }

    public String name() {
        return name;
    }

    public T parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no value");
        }
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("value longer than " + MAX_TEXT + " characters");
        }
        return parser.apply(text.strip());
    }

    public String format(T value) {
        return formatter.apply(value);
    }

    @Override
    public String toString() {
        return name;
    }

    private static <N> N parseNumber(String s, Function<String, N> parse) {
        try {
            // Underscores as digit separators, like Java literals: 1_048_576.
            return parse.apply(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number in range");
        }
    }

    private static Double parseDouble(String s) {
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("not a finite number");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    private static Boolean parseBoolean(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1":
                return true;
            case "false": case "no": case "off": case "0":
                return false;
            default:
                throw new IllegalArgumentException("not a boolean (true/false)");
        }
    }

    /** Accepts {@code 500ms}, {@code 6s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 0} and ISO-8601 {@code PT6S}. */
    static Duration parseDuration(String s) {
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SHORT_DURATION.matcher(s.toLowerCase(Locale.ROOT));
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            try {
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> throw new AssertionError(m.group(2));
                };
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("duration too large");
            }
        } else if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p')) {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an ISO-8601 duration");
            }
        } else {
            throw new IllegalArgumentException("not a duration (use e.g. 500ms, 6s, 5m, 2h, 1d or PT6S)");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration");
        }
        return d;
    }

    /** The shortest exact form: 6s, 500ms, 5m, 1d; ISO for odd values. */
    static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }

    private static Path parsePath(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid path: " + e.getReason());
        }
    }

    private static List<String> parseList(String s) {
        List<String> out = new ArrayList<>();
        if (s.isBlank()) {
            return List.of();
        }
        for (String part : s.split(",", -1)) {
            String p = part.strip();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("empty list element");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }
}
