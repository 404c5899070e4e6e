package dev.shed.cli.shed;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.output.Table;
import dev.shed.cli.output.Times;
import dev.shed.core.json.Json;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.shed.Shed;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shed ls}: the sheds, with their running state read from the mount table. */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
        description = {"List sheds: name, image, pinned manifest, status, created. Running = its QEMU is alive (vm: pid file",
                "checked in /proc) or its rootfs is mounted (mount). A shed whose VM or mount is gone shows as stopped."})
public final class ShedLsCommand implements Callable<Integer> {
    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Lifecycle lc = Lifecycles.open();
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            ArrayNode arr = Json.array();
            for (Shed s : lc.catalog().sheds()) {
                ObjectNode o = arr.addObject();
                o.put("name", s.name());
                o.put("image", s.image());
                o.put("manifest", s.manifest().toString());
                if (s.platform() != null) o.put("platform", s.platform());
                o.put("status", status(lc, s));
                o.put("created", s.created().toString());
                if (s.fromSnapshot() != null) o.put("fromSnapshot", s.fromSnapshot());
                o.put("runtime", s.runtime());
                if (s.isVm()) {
                    o.put("upperSize", s.vm().upperSize());
                    ArrayNode ports = o.putArray("publish");
                    s.vm().publish().forEach(ports::add);
                    o.put("init", s.vm().init());
                } else {
                    o.put("rootfs", lc.catalog().paths(s.name()).rootfs().toString());
                }
            }
            out.println(Json.pretty(arr));
        } else {
            Table t = new Table("NAME", "IMAGE", "MANIFEST", "STATUS", "CREATED");
            for (Shed s : lc.catalog().sheds()) {
                t.row(s.name(), s.image(), s.manifest().shortHex(), status(lc, s), Times.ago(s.created()));
            }
            t.print(out);
        }
        out.flush();
        return 0;
    }

    static String status(Lifecycle lc, Shed s) {
        return lc.catalog().isRunning(s) ? "running" : "stopped";
    }
}
