package io.taskq.cli;

import io.taskq.common.TaskQException;
import io.taskq.common.config.Keys;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed options of one hand-parsed command: {@code --name value}, {@code --name=value} and boolean {@code --flag}s.
 * Unknown options, missing values and repeated options are {@link TaskQException}s with exit code 2 that name the
 * option and the command. Only the bench module's commands still parse this way; bin/taskq's own commands are
 * picocli commands ({@link Main}), and this class goes once the bench module moves too.
 */
public final class Options {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> rest = new ArrayList<>();

    private Options(String command) {
        this.command = command;
    }

    /**
     * @param command     the subcommand, for messages ("taskq produce")
     * @param args        the arguments after the subcommand
     * @param valued      options that take a value (without the dashes)
     * @param flags       options that take none
     * @param passThrough true to keep unknown arguments in {@link #rest()} instead of failing
     */
    public static Options parse(String command, String[] args, Set<String> valued, Set<String> flags,
                                boolean passThrough) {
        Options o = new Options(command);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.equals("--")) {
                if (!passThrough)
                    throw TaskQException.usage(command + ": unexpected argument '" + arg + "' (see " + command
                            + " --help)");
                o.rest.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length)
                        throw TaskQException.usage(command + ": option --" + name + " needs a value");
                    value = args[++i];
                }
            } else if (flags.contains(name)) {
                if (value != null)
                    throw TaskQException.usage(command + ": option --" + name + " takes no value");
                value = "true";
            } else if (passThrough) {
                o.rest.add(arg);
                continue;
            } else {
                throw TaskQException.usage(command + ": unknown option --" + name + " (see " + command + " --help)");
            }
            if (o.values.put(name, value) != null)
                throw TaskQException.usage(command + ": option --" + name + " given twice");
        }
        return o;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name) {
        return values.get(name);
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    /** A whole number in {@code min..max}, or {@code fallback} when absent. */
    public long longValue(String name, long min, long max, long fallback) {
        String v = values.get(name);
        if (v == null)
            return fallback;
        long n;
        try {
            n = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw TaskQException.usage(command + ": --" + name + "=" + v + ": must be a whole number in " + min + ".."
                    + max);
        }
        if (n < min || n > max)
            throw TaskQException.usage(command + ": --" + name + "=" + v + ": must be " + min + ".." + max);
        return n;
    }

    /** A duration such as {@code 500ms}, {@code 30s} or {@code 5m}, or {@code fallback} when absent. */
    public Duration durationValue(String name, Duration fallback) {
        String v = values.get(name);
        if (v == null)
            return fallback;
        try {
            return Keys.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw TaskQException.usage(command + ": --" + name + "=" + v + ": " + e.getMessage());
        }
    }

    /** Arguments kept because of {@code passThrough}. */
    public List<String> rest() {
        return rest;
    }
}
