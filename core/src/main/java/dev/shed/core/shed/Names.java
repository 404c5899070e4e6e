package dev.shed.core.shed;

import java.util.regex.Pattern;

/** Shed and snapshot names: used as file names and in mount options, so kept to a safe alphabet. */
final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private Names() {}

    static String check(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid " + kind + " name '" + name
                    + "': use letters, digits, '_', '.', '-' (up to 63, starting with a letter or digit)");
        }
        return name;
    }
}
