package dev.shed.core.image;

import dev.shed.core.oci.Digest;
import java.util.HexFormat;

/**
 * The seed's "spurious 32-byte empty layer": Go's gzip of an empty tar (1024 zero bytes), which buildkit emits for
 * ENV/LABEL/WORKDIR-only steps. It counts against MaxLayers but holds nothing; history shows it as such.
 */
public final class EmptyLayer {
    private EmptyLayer() {}

    public static final Digest DIGEST = Digest.parse("sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1");

    /** Its exact 32 bytes. */
    public static byte[] bytes() {
        return HexFormat.of().parseHex("1f8b08000000000000ff621805a360148c5800080000ffff2eafb5ef00040000");
    }

    public static boolean is(Digest d) {
        return DIGEST.equals(d);
    }
}
