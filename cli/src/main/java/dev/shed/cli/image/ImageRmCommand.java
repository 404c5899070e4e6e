package dev.shed.cli.image;

import dev.shed.core.image.ImageNotFoundException;
import dev.shed.cli.EachName;
import dev.shed.cli.GlobalOptions;
import dev.shed.core.image.ArchiveImporter;
import dev.shed.core.store.Store;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shed image rm NAME...}: removes names; blobs stay until prune. */
@Command(name = "rm", aliases = {"remove", "rmi"}, mixinStandardHelpOptions = true,
        description = "Remove image names. Blobs and lowers stay until 'shed image prune'. Every name is tried; "
                + "a missing one is reported (exit 3) without stopping the others.")
public final class ImageRmCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Names to remove.")
    List<String> names;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Store store = GlobalOptions.openStore();
        return EachName.apply(names, spec, n -> {
            String name = ArchiveImporter.normaliseTag(n);
            if (!store.names().remove(name)) throw new ImageNotFoundException("no such image: " + name);
            return "Untagged: " + name;
        });
    }
}
