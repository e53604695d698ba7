package org.btda.common.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** All defined settings, in definition order. Kept apart from {@link Settings} so it exists before its constants. */
final class SettingRegistry {
    private static final Map<String, Setting<?>> BY_KEY = new LinkedHashMap<>();
    private static final Map<String, Setting<?>> BY_ENV = new LinkedHashMap<>();

    private SettingRegistry() {}

    static synchronized <T> Setting<T> register(Setting<T> setting) {
        if (BY_KEY.containsKey(setting.key())) {
            throw new IllegalStateException("setting " + setting.key() + " defined twice");
        }
        Setting<?> clash = BY_ENV.get(setting.envVar());
        if (clash != null) {
            throw new IllegalStateException("settings " + clash.key() + " and " + setting.key() + " share env var " + setting.envVar());
        }
        BY_KEY.put(setting.key(), setting);
        BY_ENV.put(setting.envVar(), setting);
        return setting;
    }

    // ensureLoaded() runs outside the lock: class initialisation of Settings takes the lock in register(), and taking
    // them in the opposite order on two threads would deadlock.
    static Setting<?> byKey(String key) {
        ensureLoaded();
        synchronized (SettingRegistry.class) {
            return BY_KEY.get(key);
        }
    }

    static Setting<?> byEnvVar(String envVar) {
        ensureLoaded();
        synchronized (SettingRegistry.class) {
            return BY_ENV.get(envVar);
        }
    }

    static Collection<Setting<?>> all() {
        ensureLoaded();
        synchronized (SettingRegistry.class) {
            return List.copyOf(new ArrayList<>(BY_KEY.values()));
        }
    }

    /** The constants live in {@link Settings}; touching the class runs their registration. */
    private static void ensureLoaded() {
        Settings.touch();
    }
}
