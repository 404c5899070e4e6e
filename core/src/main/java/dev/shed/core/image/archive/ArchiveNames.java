package dev.shed.core.image.archive;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Reference;
import java.util.Map;

/**
 * The store name an archive's index.json entry asks for.
 *
 * <ol>
 *   <li>{@code io.containerd.image.name} (buildkit and {@code docker save} ≥ 25 put the full name there and only the
 *       tag in ref.name) wins;</li>
 *   <li>else {@code org.opencontainers.image.ref.name}: a value with '/', ':' or '@' is a reference
 *       ({@code ghcr.io/a/b:1}, {@code full:v2});</li>
 *   <li>a bare word ({@code full}, {@code v1}, {@code latest}) is a short name, read the way the containers/image
 *       family (skopeo, podman load) reads one: as a repository with tag latest, normalised docker-style
 *       ({@code v1} → {@code docker.io/library/v1:latest}). Use {@code --tag} for anything else.</li>
 * </ol>
 */
public final class ArchiveNames {
    public static final String CONTAINERD_NAME = "io.containerd.image.name";

    private ArchiveNames() {}

    /** The normalised name, or null when the entry carries none. */
    public static String nameFor(Map<String, String> annotations, String where) {
        String full = annotations.get(CONTAINERD_NAME);
        String refName = annotations.get(Descriptor.REF_NAME);
        String chosen = full != null && !full.isBlank() ? full : refName;
        if (chosen == null || chosen.isBlank()) return null;
        try {
            Reference ref = Reference.parse(chosen);
            if (ref.tag() == null) throw new IllegalArgumentException("a name needs a tag, not only a digest");
            return ref.withTag(ref.tag()).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": name '" + chosen + "' is not a valid image reference ("
                    + e.getMessage() + "); give one with --tag");
        }
    }
}
