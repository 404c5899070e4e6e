package dev.shed.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** docker-style relative times ("3 days ago") from RFC 3339 timestamps. */
public final class Times {
    private Times() {}

    public static String ago(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) return "N/A";
        try {
            return ago(Instant.parse(rfc3339));
        } catch (DateTimeParseException e) {
            return rfc3339;
        }
    }

    public static String ago(Instant then) {
        Duration d = Duration.between(then, Instant.now());
        if (d.isNegative()) return "in the future";
        long s = d.getSeconds();
        if (s < 60) return "Less than a minute ago";
        if (s < 3600) return plural(s / 60, "minute");
        if (s < 86400) return plural(s / 3600, "hour");
        if (s < 86400L * 14) return plural(s / 86400, "day");
        if (s < 86400L * 60) return plural(s / (86400 * 7), "week");
        if (s < 86400L * 365 * 2) return plural(s / (86400 * 30), "month");
        return plural(s / (86400 * 365), "year");
    }

    private static String plural(long n, String unit) {
        if (n == 1) return (unit.equals("hour") ? "An " : "A ") + unit + " ago";
        return n + " " + unit + "s ago";
    }
}
