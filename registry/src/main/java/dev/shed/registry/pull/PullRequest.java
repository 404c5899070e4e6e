package dev.shed.registry.pull;

import dev.shed.core.image.ImageLimits;
import dev.shed.core.oci.Platform;
import dev.shed.core.oci.Reference;

/**
 * What to pull. For an index, {@code platform} picks one manifest (null: the host's); {@code allPlatforms}
 * fetches every image manifest in it instead. {@code limits} are checked on every manifest before any blob is
 * downloaded.
 */
public record PullRequest(Reference reference, Platform platform, boolean allPlatforms, ImageLimits limits) {
    public PullRequest(Reference reference, Platform platform, boolean allPlatforms) {
        this(reference, platform, allPlatforms, ImageLimits.DEFAULT);
    }

    public static PullRequest of(String reference) {
        return new PullRequest(Reference.parse(reference), null, false);
    }

    public PullRequest withPlatform(Platform p) {
        return new PullRequest(reference, p, allPlatforms, limits);
    }

    public PullRequest withAllPlatforms() {
        return new PullRequest(reference, platform, true, limits);
    }

    public PullRequest withLimits(ImageLimits l) {
        return new PullRequest(reference, platform, allPlatforms, l);
    }
}
