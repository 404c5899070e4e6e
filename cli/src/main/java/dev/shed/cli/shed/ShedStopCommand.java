package dev.shed.cli.shed;

import dev.shed.cli.EachName;
import dev.shed.core.lifecycle.Lifecycle;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shed stop NAME…}. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop sheds. vm: the guest stops its processes, syncs and powers off; QEMU is killed if it has not exited after 30s.",
                "mount: unmount the overlay and the lower. Stopping a stopped shed is not an error."})
public final class ShedStopCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Lifecycle lc = Lifecycles.open();
        return EachName.apply(names, spec, n -> {
            lc.sheds().stop(n);
            return n;
        });
    }
}
