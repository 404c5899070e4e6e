package dev.shed.cli.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.ExitCodes;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.shed.Lifecycles;
import dev.shed.core.gc.StoreVerifier;
import dev.shed.core.json.Json;
import dev.shed.core.lifecycle.Lifecycle;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shed image verify}: check the store's invariants from its files. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check the store: index.json and oci-layout parse, every blob file is complete and hashes to its name,",
                "every named image, shed and snapshot reaches only blobs that exist. Exit 1 and one line per problem otherwise."})
public final class ImageVerifyCommand implements Callable<Integer> {
    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Lifecycle lc = Lifecycles.open();
        StoreVerifier.Result r = lc.verifier().verify();
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode o = Json.object();
            o.put("ok", r.ok());
            o.put("images", r.images());
            o.put("pins", r.pins());
            o.put("blobsChecked", r.blobsChecked());
            r.problems().forEach(o.putArray("problems")::add);
            out.println(Json.pretty(o));
        } else {
            for (String p : r.problems()) out.println("problem: " + p);
            out.println((r.ok() ? "OK: " : "FAILED: ") + r.images() + " index entries, " + r.pins() + " shed/snapshot pins, "
                    + r.blobsChecked() + " blobs checked" + (r.ok() ? "" : ", " + r.problems().size() + " problems"));
        }
        out.flush();
        return r.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
