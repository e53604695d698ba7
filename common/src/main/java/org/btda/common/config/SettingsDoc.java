package org.btda.common.config;

/** Renders every setting as the README's Markdown table. */
public final class SettingsDoc {
    private SettingsDoc() {}

    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | env var | unit | default | description |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Setting<?> s : Settings.all()) {
            sb.append("| `").append(s.key()).append("` | `").append(s.envVar()).append("` | ")
                    .append(cell(s.unit())).append(" | ").append(defaultText(s)).append(" | ")
                    .append(cell(s.doc())).append(" |\n");
        }
        return sb.toString();
    }

    private static <T> String defaultText(Setting<T> s) {
        String text = s.type().format(s.defaultValue());
        return text.isEmpty() ? "(empty)" : "`" + cell(text) + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
