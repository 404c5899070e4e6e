package dev.shed.cli.shed;

import dev.shed.cli.EachName;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.output.Sizes;
import dev.shed.cli.output.Table;
import dev.shed.cli.output.Times;
import dev.shed.core.json.Json;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.shed.Snapshot;
import dev.shed.core.store.FileTrees;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shed snapshot SHED SNAP}, {@code shed snapshot ls}, {@code shed snapshot rm SNAP}. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = {"Snapshot a shed: copy its upper dir (cp -a --reflink=auto: whiteouts, xattrs, owners kept; extents shared",
                "where the filesystem reflinks) and pin its manifest. Use it with 'shed create NEW --from-snapshot SNAP'."},
        subcommands = {SnapshotCommand.Ls.class, SnapshotCommand.Rm.class})
public final class SnapshotCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SHED")
    String shed;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SNAP")
    String snap;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (shed == null || snap == null) throw new IllegalArgumentException("usage: shed snapshot SHED SNAP (or: shed snapshot ls | rm SNAP)");
        Lifecycle lc = Lifecycles.open();
        Snapshot s = lc.sheds().snapshot(shed, snap);
        PrintWriter out = spec.commandLine().getOut();
        out.println(s.name());
        out.flush();
        return 0;
    }

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
            description = "List snapshots: name, source shed, image, pinned manifest, size of the copied upper dir, created.")
    public static final class Ls implements Callable<Integer> {
        @Mixin
        FormatOption format;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Lifecycle lc = Lifecycles.open();
            PrintWriter out = spec.commandLine().getOut();
            List<Snapshot> snaps = lc.catalog().snapshots();
            if (format.json()) {
                ArrayNode arr = Json.array();
                for (Snapshot s : snaps) {
                    ObjectNode o = arr.addObject();
                    o.put("name", s.name());
                    o.put("shed", s.shed());
                    o.put("image", s.image());
                    o.put("manifest", s.manifest().toString());
                    o.put("size", FileTrees.size(lc.catalog().snapshotUpper(s.name())));
                    o.put("created", s.created().toString());
                }
                out.println(Json.pretty(arr));
            } else {
                Table t = new Table("NAME", "SHED", "IMAGE", "MANIFEST", "SIZE", "CREATED");
                for (Snapshot s : snaps) {
                    t.row(s.name(), s.shed(), s.image(), s.manifest().shortHex(),
                            Sizes.human(FileTrees.size(lc.catalog().snapshotUpper(s.name()))), Times.ago(s.created()));
                }
                t.print(out);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "rm", aliases = "remove", mixinStandardHelpOptions = true,
            description = "Remove snapshots. Under the refcount policy the lower goes with the manifest's last shed/snapshot.")
    public static final class Rm implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "SNAP")
        List<String> names;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Lifecycle lc = Lifecycles.open();
            return EachName.apply(names, spec, n -> {
                lc.sheds().removeSnapshot(n);
                return n;
            });
        }
    }
}
