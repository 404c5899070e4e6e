package dev.shed.core.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest. Only sha256 is accepted: {@code sha256:} followed by 64 lowercase hex digits. */
public record Digest(String hex) implements Comparable<Digest> {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    public static final String ALGORITHM = "sha256";

    public Digest {
        if (hex == null || !HEX64.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid sha256 hex: " + hex);
        }
    }

    /** Parses {@code sha256:<64 lowercase hex>}; anything else is refused with a message naming it. */
    public static Digest parse(String s) {
        if (s == null) throw new IllegalArgumentException("missing digest");
        int colon = s.indexOf(':');
        if (colon < 0) throw new IllegalArgumentException("invalid digest '" + s + "': expected sha256:<64 hex>");
        String alg = s.substring(0, colon);
        if (!ALGORITHM.equals(alg)) {
            throw new IllegalArgumentException("unsupported digest algorithm '" + alg + "' in '" + s + "' (only sha256)");
        }
        String hex = s.substring(colon + 1);
        if (!HEX64.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid digest '" + s + "': expected 64 lowercase hex digits");
        }
        return new Digest(hex);
    }

    public static boolean isValid(String s) {
        try {
            parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The JDK's SHA-256 (with CPU intrinsics once compiled); docs/registry.md has the measurement against a hand-written one. */
    public static Digest of(byte[] bytes) {
        return new Digest(HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    public static Digest fromRaw(byte[] sha256) {
        return new Digest(HexFormat.of().formatHex(sha256));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JVM without SHA-256", e);
        }
    }

    /** First 12 hex digits, as docker shows image IDs. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return ALGORITHM + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return hex.compareTo(o.hex);
    }
}
