package dev.shed.cli.shed;

import dev.shed.cli.EachName;
import dev.shed.core.lifecycle.Lifecycle;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed rm NAME…}. */
@Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true,
        description = {"Remove sheds and their upper dirs. The pinned image stays; its lower goes under the refcount policy",
                "when this was its last shed or snapshot. A running shed is refused unless --force."})
public final class ShedRmCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Sheds to remove.")
    List<String> names;

    @Option(names = {"-f", "--force"}, description = "Stop a running shed first instead of refusing.")
    boolean force;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Lifecycle lc = Lifecycles.open();
        return EachName.apply(names, spec, n -> {
            lc.sheds().remove(n, force);
            return n;
        });
    }
}
