package dev.shed.core.oci;

import java.util.Set;

/** Media types shed understands, OCI and Docker v2 schema2. Kept as plain strings on the wire. */
public final class MediaType {
    private MediaType() {}

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_LAYER_ND_TAR = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public static final String OCI_LAYER_ND_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public static final String OCI_LAYER_ND_ZSTD = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_LAYER_FOREIGN_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public static final String DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
    public static final String DOCKER_LAYER_ZSTD = "application/vnd.docker.image.rootfs.diff.tar.zstd";
    public static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";

    private static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);

    /** How a layer's bytes are compressed. */
    public enum Compression { NONE, GZIP, ZSTD }

    public static boolean isManifest(String mt) {
        return MANIFESTS.contains(mt);
    }

    public static boolean isIndex(String mt) {
        return INDEXES.contains(mt);
    }

    public static boolean isSchema1(String mt) {
        return DOCKER_SCHEMA1.equals(mt) || DOCKER_SCHEMA1_SIGNED.equals(mt);
    }

    /** The compression of a layer media type, or throws naming the unknown type. */
    public static Compression layerCompression(String mt) {
        switch (mt) {
            case OCI_LAYER_TAR: case OCI_LAYER_ND_TAR: case DOCKER_LAYER_TAR:
                return Compression.NONE;
            case OCI_LAYER_GZIP: case OCI_LAYER_ND_GZIP: case DOCKER_LAYER_GZIP: case DOCKER_LAYER_FOREIGN_GZIP:
                return Compression.GZIP;
            case OCI_LAYER_ZSTD: case OCI_LAYER_ND_ZSTD: case DOCKER_LAYER_ZSTD:
                return Compression.ZSTD;
            default:
                throw new IllegalArgumentException("unsupported layer media type: " + mt);
        }
    }

    public static boolean isLayer(String mt) {
        try {
            layerCompression(mt);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Non-distributable ("foreign") layers may be absent from registries and stores. */
    public static boolean isNondistributable(String mt) {
        return mt.contains("nondistributable") || mt.contains(".foreign.");
    }
}
