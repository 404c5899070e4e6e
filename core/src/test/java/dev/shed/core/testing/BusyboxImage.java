package dev.shed.core.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * One-layer images of the host's static busybox for the VM tests, with a config whose {@code config} object
 * (Env, WorkingDir, User) the test fills: OciLayoutBuilder's own configs have none of these.
 */
public final class BusyboxImage {
    private BusyboxImage() {}

    /** A root with /bin/busybox (the host's bytes) and a link to it for each applet. */
    public static TarLayerBuilder root(String... applets) throws IOException {
        TarLayerBuilder root = new TarLayerBuilder().mtime(1_700_000_000L).dir("bin")
                .file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755);
        for (String applet : applets) root.symlink("bin/" + applet, "busybox");
        return root;
    }

    /** Writes the image named {@code name} into {@code layout}; {@code config} fills the config's "config". */
    public static Digest write(OciLayoutBuilder layout, String name, TarLayerBuilder root, Consumer<ObjectNode> config)
            throws IOException {
        OciLayoutBuilder.Layer layer = OciLayoutBuilder.Layer.gzip(root);
        Descriptor layerDesc = layout.blob(layer.mediaType(), layer.bytes());
        ObjectNode c = Json.object();
        c.put("architecture", "amd64");
        c.put("os", "linux");
        config.accept(c.putObject("config"));
        c.putObject("rootfs").put("type", "layers").putArray("diff_ids")
                .add(Digest.of(new GZIPInputStream(new ByteArrayInputStream(layer.bytes())).readAllBytes()).toString());
        Descriptor configDesc = layout.blob(MediaType.OCI_CONFIG, Json.bytes(c));
        ObjectNode m = Json.object();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaType.OCI_MANIFEST);
        m.set("config", configDesc.toJson());
        m.putArray("layers").add(layerDesc.toJson());
        Descriptor manifest = layout.blob(MediaType.OCI_MANIFEST, Json.bytes(m));
        layout.name(name, manifest);
        return manifest.digest();
    }
}
