package org.btda.common.config;

/** A setting could not be read: unknown key, bad value, unreadable file. The message names the key and value. */
public class SettingsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SettingsException(String message) {
        super(message);
    }

    public SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
