package dev.shed.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootBlobTest {
    static final String K = "sha256:" + "a".repeat(64);
    static final String I = "sha256:" + "b".repeat(64);

    @Test
    void kernelThenInitrdWhateverTheAnnotationOrder() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("io.shed.initrd.digest", I);
        a.put("org.opencontainers.image.title", "x");
        a.put("io.shed.kernel.digest", K);
        assertThat(BootBlob.of(a, "m")).containsExactly(new BootBlob(BootBlob.KERNEL, Digest.parse(K)), new BootBlob(BootBlob.INITRD, Digest.parse(I)));
        assertThat(BootBlob.of(Map.of("io.shed.initrd.digest", I), "m")).extracting(BootBlob::annotation).containsExactly(BootBlob.INITRD);
        assertThat(BootBlob.of(Map.of(), "m")).isEmpty();
    }

    @Test
    void aValueThatIsNoDigestIsRefusedNamingManifestAndAnnotation() {
        assertThatThrownBy(() -> BootBlob.of(Map.of("io.shed.kernel.digest", "vmlinuz"), "manifest sha256:ff"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("manifest sha256:ff: annotation io.shed.kernel.digest is 'vmlinuz', not a digest");
    }

    @Test
    void describeNamesWhatItIsAndWhereItIsNamed() {
        assertThat(new BootBlob(BootBlob.INITRD, Digest.parse(I)).describe()).isEqualTo("initrd " + I + " (annotation io.shed.initrd.digest)");
        assertThat(new BootBlob(BootBlob.KERNEL, Digest.parse(K)).descriptor(7)).isEqualTo(new Descriptor("application/octet-stream", Digest.parse(K), 7));
    }
}
