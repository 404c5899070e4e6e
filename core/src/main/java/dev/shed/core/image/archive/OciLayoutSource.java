package dev.shed.core.image.archive;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** An OCI image layout: index.json entries are the images, blobs live at blobs/sha256/&lt;hex&gt;. */
final class OciLayoutSource implements ImageSource {
    private final ArchiveFiles files;
    private final List<SourceImage> images = new ArrayList<>();

    OciLayoutSource(ArchiveFiles files) throws IOException {
        this.files = files;
        String where = files.describe() + ": index.json";
        JsonNode index = Json.parseObject(files.read("index.json", Manifest.MAX_BYTES), where);
        JsonNode ms = index.get("manifests");
        if (ms == null || !ms.isArray()) throw new IllegalArgumentException(where + ": no manifests array");
        for (int i = 0; i < ms.size(); i++) {
            Descriptor d = Descriptor.fromJson(ms.get(i), where + " entry " + i);
            images.add(new SourceImage(d, ArchiveNames.nameFor(d.annotations(), where + " entry " + i)));
        }
    }

    private static String path(Digest d) {
        return "blobs/sha256/" + d.hex();
    }

    @Override
    public String describe() {
        return files.describe();
    }

    @Override
    public List<SourceImage> images() {
        return images;
    }

    @Override
    public boolean has(Digest d) {
        return files.exists(path(d));
    }

    @Override
    public long size(Digest d) throws IOException {
        return files.size(path(d));
    }

    @Override
    public InputStream open(Digest d) throws IOException {
        return files.open(path(d));
    }

    @Override
    public void close() throws IOException {
        files.close();
    }
}
