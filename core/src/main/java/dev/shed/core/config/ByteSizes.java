package dev.shed.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses byte counts as people type them: {@code 500M}, {@code 10G}, {@code 1.5GiB} are binary (1024-based, as
 * docker's --memory), {@code 10GB}/{@code 500MB} are decimal, a bare number is bytes.
 */
public final class ByteSizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b?)", Pattern.CASE_INSENSITIVE);

    private ByteSizes() {}

    public static long parse(String s) {
        Matcher m = SIZE.matcher(s == null ? "" : s.trim());
        if (!m.matches()) throw new IllegalArgumentException("'" + s + "' is not a size (examples: 500M, 10G, 10GB, 1073741824)");
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        String suffix = m.group(3).toLowerCase(Locale.ROOT);
        if (unit.isEmpty() && suffix.equals("i")) throw new IllegalArgumentException("'" + s + "' is not a size");
        boolean decimal = suffix.equals("b") && !unit.isEmpty();
        int power = unit.isEmpty() ? 0 : "kmgtp".indexOf(unit) + 1;
        double base = decimal ? 1000 : 1024;
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(base, power);
        if (bytes >= Long.MAX_VALUE) throw new IllegalArgumentException("'" + s + "' is too large");
        // a fraction of a byte is a typo, not a size: 0.0001K would otherwise become 0
        if (bytes > 0 && bytes < 1) throw new IllegalArgumentException("'" + s + "' is less than one byte");
        return (long) bytes;
    }
}
