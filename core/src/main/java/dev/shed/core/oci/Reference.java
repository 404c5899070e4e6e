package dev.shed.core.oci;

import java.util.regex.Pattern;

/**
 * An image reference with docker's normalisation: {@code debian} → {@code docker.io/library/debian:latest};
 * {@code host:port/repo:tag@sha256:…} keeps both tag and digest. Short local names like {@code full} normalise
 * the same way, so a name shown by {@code shed image ls} is always fully qualified.
 */
public record Reference(String registry, String repository, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern REPO_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.?)+(?::[0-9]+)?|\\[[0-9A-Fa-f:.]+\\](?::[0-9]+)?");

    public static Reference parse(String s) {
        if (s == null || s.isEmpty()) throw new IllegalArgumentException("invalid reference: empty");
        String rest = s;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid reference '" + s + "': " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) throw new IllegalArgumentException("invalid reference '" + s + "': bad tag '" + tag + "'");
        }
        String registry = DOCKER_HUB;
        String repo = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
                if (!HOST.matcher(first).matches()) throw new IllegalArgumentException("invalid reference '" + s + "': bad registry host '" + first + "'");
                registry = first;
                repo = rest.substring(slash + 1);
            }
        }
        if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) registry = DOCKER_HUB;
        if (repo.isEmpty()) throw new IllegalArgumentException("invalid reference '" + s + "': empty repository");
        for (String component : repo.split("/", -1)) {
            if (!REPO_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("invalid reference '" + s + "': repository component '" + component
                        + "' must be lowercase letters, digits and separators");
            }
        }
        if (registry.equals(DOCKER_HUB) && !repo.contains("/")) repo = "library/" + repo;
        if (tag == null && digest == null) tag = "latest";
        return new Reference(registry, repo, tag, digest);
    }

    public static boolean isValid(String s) {
        try {
            parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** registry/repository. */
    public String name() {
        return registry + "/" + repository;
    }

    public Reference withTag(String newTag) {
        return new Reference(registry, repository, newTag, null);
    }

    public Reference withDigest(Digest d) {
        return new Reference(registry, repository, tag, d);
    }

    /** The tag if present, else the digest string: what a registry's manifests endpoint wants. */
    public String tagOrDigest() {
        return digest != null ? digest.toString() : tag;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name());
        if (tag != null) b.append(':').append(tag);
        if (digest != null) b.append('@').append(digest);
        return b.toString();
    }
}
