package io.hypergrad.common.config;

import java.util.regex.Pattern;

/**
 * Keeps secrets out of run folders and logs: credentials embedded in URIs ({@code s3a://KEY:SECRET@bucket})
 * and secret-looking query parameters are replaced by {@code ***}. Applied to everything hypergrad writes
 * about a config ({@code config.conf}, {@code config} output) and to every error line it prints; credentials
 * belong in the Hadoop/Spark configuration or the environment, which hypergrad never records.
 */
public final class Redaction {
    /**
     * {@code scheme://userinfo@} — the userinfo is dropped whatever it holds, "/" included (secret keys
     * may contain one), so an authority-less path with an "@" is redacted too: safe rather than sorry.
     */
    private static final Pattern USERINFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^@\\s\"']+@");
    /** {@code ?secret=…}, {@code &token=…}, {@code access_key=…}, {@code password=…}, {@code signature=…}. */
    private static final Pattern QUERY = Pattern.compile(
            "(?i)([?&;](?:[a-z0-9_.-]*(?:secret|password|passwd|token|access[_.-]?key|credential|signature)[a-z0-9_.-]*)=)[^&;\\s\"']+");

    private Redaction() {}

    /** The text with every URI credential and secret query value replaced by {@code ***}. */
    public static String text(String s) {
        if (s == null) {
            return null;
        }
        return QUERY.matcher(USERINFO.matcher(s).replaceAll("$1***@")).replaceAll("$1***");
    }
}
