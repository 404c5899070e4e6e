package dev.shed.cli.output;

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
        return fourSignificant(v) + UNITS[u];
    }

    /**
     * {@code String.format("%.4g")} with trailing zeros dropped, without Formatter and regex: their first use costs
     * more start-up time than the rest of {@code shed image ls}.
     */
    static String fourSignificant(double v) {
        int decimals = v >= 100 ? 1 : v >= 10 ? 2 : 3;
        String num = java.math.BigDecimal.valueOf(v).setScale(decimals, java.math.RoundingMode.HALF_UP).toPlainString();
        int end = num.length();
        while (num.charAt(end - 1) == '0') end--;
        if (num.charAt(end - 1) == '.') end--;
        return num.substring(0, end);
    }
}
