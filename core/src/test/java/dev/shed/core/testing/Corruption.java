package dev.shed.core.testing;

/** Damaging test data on purpose, at a known place: for checks that only a digest can catch. */
public final class Corruption {
    private Corruption() {}

    /** Where {@code needle} first stands in {@code hay}; fails the test when it is absent. */
    public static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
