package dev.shed.cli.image;

import dev.shed.cli.EachName;
import dev.shed.cli.shed.Lifecycles;
import dev.shed.core.lifecycle.Lifecycle;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shed image umount DIR…}. */
@Command(name = "umount", aliases = "unmount", mixinStandardHelpOptions = true,
        description = {"Unmount lowers mounted by 'shed image mount' and forget them; their loop devices detach. Prints each DIR.",
                "A DIR already unmounted by hand is just forgotten. Exit 3 when DIR is not a shed image mount."})
public final class ImageUmountCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR")
    List<String> dirs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Lifecycle lc = Lifecycles.open();
        return EachName.apply(dirs, spec, d -> lc.imageMounts().unmount(Path.of(d)).dir().toString());
    }
}
