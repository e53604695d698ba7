package org.btda.common.config;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One documented setting: key ({@code network.timeout}), type, default, unit and a one-line description.
 * Instances are created by {@link #define} and registered in {@link SettingRegistry}; see {@link Settings} for the list.
 */
public final class Setting<T> {
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*");

    private final String key;
    private final SettingType<T> type;
    private final T defaultValue;
    private final String unit;
    private final String doc;
    private final boolean secret;

    private Setting(String key, SettingType<T> type, T defaultValue, String unit, String doc, boolean secret) {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("bad setting key: " + key);
        }
        this.key = key;
        this.type = Objects.requireNonNull(type);
        this.defaultValue = Objects.requireNonNull(defaultValue, key);
        this.unit = unit == null ? "" : unit;
        this.doc = Objects.requireNonNull(doc);
        this.secret = secret;
    }

    /** Defines and registers a setting; a second definition of the same key fails. */
    public static <T> Setting<T> define(String key, SettingType<T> type, T defaultValue, String unit, String doc) {
        return SettingRegistry.register(new Setting<>(key, type, defaultValue, unit, doc, false));
    }

    /** Like {@link #define} but the value is masked in {@link Settings#describe()}. */
    public static <T> Setting<T> secret(String key, SettingType<T> type, T defaultValue, String unit, String doc) {
        return SettingRegistry.register(new Setting<>(key, type, defaultValue, unit, doc, true));
    }

    public String key() {
        return key;
    }

    public SettingType<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String unit() {
        return unit;
    }

    public String doc() {
        return doc;
    }

    public boolean isSecret() {
        return secret;
    }

    /** {@code BTDA_} + key upper-cased, with '.' and '-' replaced by '_': network.timeout → BTDA_NETWORK_TIMEOUT. */
    public String envVar() {
        return envVarOf(key);
    }

    static String envVarOf(String key) {
        return "BTDA_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    @Override
    public String toString() {
        return key;
    }
}
