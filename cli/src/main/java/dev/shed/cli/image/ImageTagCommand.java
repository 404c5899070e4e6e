package dev.shed.cli.image;

import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.core.image.ArchiveImporter;
import dev.shed.core.image.ImageReader;
import dev.shed.core.image.StoredImage;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shed image tag SRC NEW}. */
@Command(name = "tag", mixinStandardHelpOptions = true,
        description = "Give an image another name. SRC is a name or a manifest/index digest in the store; NEW replaces any earlier image of that name.")
public final class ImageTagCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SRC", description = "Existing image: name or manifest/index digest.")
    String source;

    @Parameters(index = "1", paramLabel = "NEW", description = "New name (normalised: full -> docker.io/library/full:latest).")
    String target;

    @Override
    public Integer call() throws Exception {
        String name = ArchiveImporter.normaliseTag(target);
        Store store = GlobalOptions.openStore();
        // a write session: SOURCE may be a dangling manifest (by digest) that a concurrent prune is about to delete
        try (var session = store.writeSession()) {
            StoredImage img = new ImageReader(store).resolve(source);
            Descriptor t = img.target();
            store.names().put(name, new Descriptor(t.mediaType(), t.digest(), t.size(), t.platform(), null, null));
        }
        return ExitCodes.OK;
    }
}
