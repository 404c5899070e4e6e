package dev.shed.cli.output;

import java.util.Locale;

/** Human-readable sizes as docker prints them (decimal units: kB, MB, GB). */
public final class Sizes {
    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB"};

    private Sizes() {}

    public static String human(long bytes) {
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < UNITS.length - 1) {
            v /= 1000;
            u++;
        }
        String num = String.format(Locale.ROOT, "%.4g", v);
        if (num.contains(".")) num = num.replaceAll("0+$", "").replaceAll("\\.$", "");
        return num + UNITS[u];
    }
}
