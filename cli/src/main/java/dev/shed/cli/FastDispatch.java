package dev.shed.cli;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Start-up shortcut: picocli builds the model of every subcommand (by reflection) before running one, which cost
 * more than the command itself for {@code shed image ls}. This finds the one leaf command the arguments name by
 * reading only the {@code @Command(subcommands=…)} annotations, and builds a command line for that leaf alone
 * (named "shed image ls", with the global options mixed in). Anything it is unsure about (no leaf, a group
 * command, help, unknown options before the leaf) goes to the full tree, so behaviour never differs.
 */
final class FastDispatch {
    private FastDispatch() {}

    /** A command line and the arguments it should execute. */
    record Dispatch(CommandLine commandLine, String[] args) {
        int execute() {
            return commandLine.execute(args);
        }
    }

    /** The leaf command line for {@code args} (with the subcommand names removed), or empty for the full tree. */
    static Optional<Dispatch> leaf(String[] args) {
        Set<String> valued = valuedOptions(GlobalOptions.class);
        Set<String> flags = Set.of("--debug");
        Class<?> current = ShedCommand.class;
        List<String> path = new ArrayList<>(List.of("shed"));
        List<String> rest = new ArrayList<>();
        int i = 0;
        boolean leafReached = false;
        for (; i < args.length && !leafReached; i++) {
            String a = args[i];
            if (a.startsWith("-")) {
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                rest.add(a);
                if (valued.contains(name)) {
                    if (!a.contains("=")) {
                        if (i + 1 >= args.length) return Optional.empty();
                        rest.add(args[++i]);
                    }
                } else if (!flags.contains(a)) {
                    return Optional.empty(); // -h, --version, unknown: the full tree decides
                }
                continue;
            }
            Class<?> next = subcommand(current, a);
            if (next == null || next == CommandLine.HelpCommand.class) return Optional.empty();
            path.add(a);
            current = next;
            leafReached = current.getAnnotation(Command.class).subcommands().length == 0;
        }
        if (!leafReached) return Optional.empty();
        for (; i < args.length; i++) rest.add(args[i]);
        try {
            GlobalOptions.reset();
            CommandLine cl = new CommandLine(current.getDeclaredConstructor().newInstance());
            cl.addMixin("globals", new GlobalOptions());
            cl.setCommandName(String.join(" ", path));
            ShedCommand.configure(cl);
            return Optional.of(new Dispatch(cl, rest.toArray(String[]::new)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Class<?> subcommand(Class<?> parent, String name) {
        Command c = parent.getAnnotation(Command.class);
        if (c == null) return null;
        for (Class<?> sub : c.subcommands()) {
            Command sc = sub.getAnnotation(Command.class);
            if (sc == null) continue;
            if (sc.name().equals(name)) return sub;
            for (String alias : sc.aliases()) if (alias.equals(name)) return sub;
        }
        return null;
    }

    /** Option names of {@code type} that take a value (non-boolean fields and setters). */
    private static Set<String> valuedOptions(Class<?> type) {
        Set<String> out = new HashSet<>();
        for (Field f : type.getDeclaredFields()) add(out, f, f.getType());
        for (Method m : type.getDeclaredMethods()) if (m.getParameterCount() == 1) add(out, m, m.getParameterTypes()[0]);
        return out;
    }

    private static void add(Set<String> out, AnnotatedElement e, Class<?> valueType) {
        Option o = e.getAnnotation(Option.class);
        if (o != null && valueType != boolean.class && valueType != Boolean.class) out.addAll(List.of(o.names()));
    }
}
