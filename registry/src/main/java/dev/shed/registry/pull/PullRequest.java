package dev.shed.registry.pull;

import dev.shed.core.oci.Platform;
import dev.shed.core.oci.Reference;

/**
 * What to pull. For an index, {@code platform} picks one manifest (null: the host's); {@code allPlatforms}
 * fetches every image manifest in it instead.
 */
public record PullRequest(Reference reference, Platform platform, boolean allPlatforms) {
    public static PullRequest of(String reference) {
        return new PullRequest(Reference.parse(reference), null, false);
    }

    public PullRequest withPlatform(Platform p) {
        return new PullRequest(reference, p, allPlatforms);
    }

    public PullRequest withAllPlatforms() {
        return new PullRequest(reference, platform, true);
    }
}
