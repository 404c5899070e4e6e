package dev.shed.cli.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.cli.output.FormatOption;
import dev.shed.core.image.ImageNotFoundException;
import dev.shed.core.image.ImageReader;
import dev.shed.core.image.StoredImage;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.ImageConfig;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.Store;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image inspect NAME}: the stored manifest bytes, exactly. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Print an image's stored manifest (or index) bytes exactly as stored, with no newline added: the same bytes "
                + "'crane manifest' and 'skopeo inspect --raw' print, so digests can be checked with sha256sum.",
                "--config prints the config blob instead; --format json a parsed summary."})
public final class ImageInspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Image name or manifest/index digest.")
    String name;

    @Option(names = "--config", description = "Print the config blob bytes (of the --platform manifest for an index).")
    boolean config;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "For an index: use this platform's manifest instead of the index.")
    String platform;

    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Platform wanted = platform == null ? null : Platform.parse(platform);
        Store store = GlobalOptions.openStore();
        ImageReader reader = new ImageReader(store);
        StoredImage img = reader.resolve(name);
        if (wanted != null && !img.isIndex()) {
            ImageConfig c = reader.config(img.manifests().get(0));
            if (!wanted.matches(c.platform())) {
                throw new ImageNotFoundException(label(img) + " is for " + c.platform() + ", not " + wanted);
            }
        }
        if (format.json()) {
            PrintWriter out = spec.commandLine().getOut();
            ObjectNode summary = img.isIndex() && wanted == null && !config ? indexSummary(reader, img) : manifestSummary(reader, img, reader.select(img, wanted));
            out.println(Json.pretty(summary));
            out.flush();
            return ExitCodes.OK;
        }
        byte[] bytes;
        if (config) {
            bytes = store.blobs().read(reader.select(img, wanted).config().digest());
        } else if (img.isIndex() && wanted != null) {
            bytes = reader.select(img, wanted).raw();
        } else {
            bytes = store.blobs().read(img.target().digest());
        }
        spec.commandLine().getOut().flush();
        PrintStream raw = System.out;
        raw.write(bytes);
        raw.flush();
        return ExitCodes.OK;
    }

    private static String label(StoredImage img) {
        return img.name() != null ? img.name() : img.target().digest().toString();
    }

    private static ObjectNode indexSummary(ImageReader reader, StoredImage img) throws java.io.IOException {
        ObjectNode o = Json.object();
        o.put("name", img.name());
        o.put("digest", img.target().digest().toString());
        o.put("mediaType", img.target().mediaType());
        ArrayNode platforms = o.putArray("platforms");
        for (Descriptor d : img.index().manifests()) if (d.platform() != null) platforms.add(d.platform().toString());
        ArrayNode ms = o.putArray("manifests");
        long total = img.target().size();
        java.util.Set<String> counted = new java.util.HashSet<>();
        for (Manifest m : img.manifests()) {
            ObjectNode s = manifestSummary(reader, img, m);
            s.remove("name");
            ms.add(s);
            total += m.raw().length;
            if (counted.add(m.config().digest().hex())) total += m.config().size();
            for (Descriptor l : m.layers()) if (counted.add(l.digest().hex())) total += l.size();
        }
        o.put("size", total);
        return o;
    }

    private static ObjectNode manifestSummary(ImageReader reader, StoredImage img, Manifest m) throws java.io.IOException {
        ImageConfig c = reader.config(m);
        ObjectNode o = Json.object();
        o.put("name", img.name());
        o.put("digest", m.digest().toString());
        o.put("mediaType", m.mediaType());
        if (img.isIndex()) o.put("index", img.target().digest().toString());
        o.put("platform", c.platform() == null ? null : c.platform().toString());
        o.put("created", c.created());
        ObjectNode cfg = o.putObject("config");
        cfg.put("digest", m.config().digest().toString());
        cfg.put("mediaType", m.config().mediaType());
        cfg.put("size", m.config().size());
        ArrayNode layers = o.putArray("layers");
        for (Descriptor l : m.layers()) {
            ObjectNode lo = layers.addObject();
            lo.put("digest", l.digest().toString());
            lo.put("size", l.size());
            lo.put("mediaType", l.mediaType());
        }
        o.put("size", m.totalSize());
        return o;
    }
}
