package dev.shed.cli.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.GlobalOptions;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.output.Table;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import dev.shed.core.json.Json;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shed config}: the store's settings (shed/config.json under the store root). */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show or change the store's settings (file: <root>/shed/config.json). Alone: show all.",
                "Keys: eviction.policy (manual|lru|refcount), cache.budget (500M, 10G, 10GB, bytes, none),",
                "pull.concurrency (1-32), registries.insecure (comma-separated host[:port]),",
                "registries.ca-certs (comma-separated host[:port]=/abs/ca.pem),",
                "materialize.compression (none|lz4|lz4hc), materialize.backend (java|mkfs.erofs)."},
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Get.class, ConfigCommand.Set.class, ConfigCommand.Unset.class})
public final class ConfigCommand implements Callable<Integer> {
    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return show(spec, format);
    }

    static ConfigFile file() {
        return new ConfigFile(GlobalOptions.openStore());
    }

    static int show(CommandLine.Model.CommandSpec spec, FormatOption format) throws Exception {
        ConfigFile f = file();
        Map<ConfigKey, String> values = f.show();
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode o = Json.object();
            for (var e : values.entrySet()) o.set(e.getKey().key(), e.getKey().parse(e.getValue()));
            out.println(Json.pretty(o));
        } else {
            Table t = new Table("KEY", "VALUE", "SOURCE", "DESCRIPTION");
            for (var e : values.entrySet()) {
                t.row(e.getKey().key(), e.getValue().isEmpty() ? "-" : e.getValue(), f.isSet(e.getKey()) ? "config" : "default",
                        e.getKey().description());
            }
            t.print(out);
        }
        out.flush();
        return 0;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show every key, its value and whether it is set or the default.")
    public static final class Show implements Callable<Integer> {
        @Mixin
        FormatOption format;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return show(spec, format);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print one key's value (the form 'set' accepts).")
    public static final class Get implements Callable<Integer> {
        @Parameters(paramLabel = "KEY")
        String key;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.println(file().get(ConfigKey.of(key)));
            out.flush();
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set a key (validated: an invalid value changes nothing).")
    public static final class Set implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "KEY")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ConfigFile f = file();
            f.set(ConfigKey.of(key), value);
            var config = f.load();
            if (config.evictionPolicy() == dev.shed.core.config.EvictionPolicy.LRU && !config.hasBudget()) {
                spec.commandLine().getErr().println("note: eviction.policy lru evicts nothing until cache.budget is set (e.g. shed config set cache.budget 20G)");
                spec.commandLine().getErr().flush();
            }
            return 0;
        }
    }

    @Command(name = "unset", mixinStandardHelpOptions = true, description = "Return a key to its default.")
    public static final class Unset implements Callable<Integer> {
        @Parameters(paramLabel = "KEY")
        String key;

        @Override
        public Integer call() throws Exception {
            file().unset(ConfigKey.of(key));
            return 0;
        }
    }
}
