package io.maskwatch.common.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Tiny parser for {@code --key value}, {@code --key=value} and {@code --flag} arguments,
 * with repeatable options. Unknown options are an error that names them.
 */
public final class Args {
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    /**
     * @param withValue options that take a value ("config", "source", ...)
     * @param flags     options without a value ("crops", "help", ...)
     * @throws UsageException on an unknown option or a missing value
     */
    public static Args parse(List<String> args, Set<String> withValue, Set<String> flags) {
        Args a = new Args();
        for (int i = 0; i < args.size(); i++) {
            String s = args.get(i);
            if (!s.startsWith("--")) {
                a.positional.add(s);
                continue;
            }
            String name = s.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) && value == null) {
                a.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (withValue.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new UnknownOptionException(name, withValue, flags);
            }
        }
        return a;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name) {
        List<String> v = values.get(name);
        return v == null ? null : v.get(v.size() - 1);
    }

    public String get(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }

    public String required(String name) {
        String v = get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public int intValue(String name, int fallback) {
        String v = get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    public double doubleValue(String name, double fallback) {
        String v = get(name);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    public List<String> positional() {
        return positional;
    }

    /** Bad command-line usage: the launcher prints the message and the command's usage, exit code 2. */
    public static class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * An option the command does not take. Names the options it does take, so the user sees the fix
     * and the docs test can compare them with {@code --help} and the documentation.
     */
    public static final class UnknownOptionException extends UsageException {
        private final Set<String> known;

        UnknownOptionException(String name, Set<String> withValue, Set<String> flags) {
            super("unknown option --" + name + "; this command takes "
                    + (withValue.isEmpty() && flags.isEmpty() ? "no options" : options(withValue, flags)));
            Set<String> all = new TreeSet<>(withValue);
            all.addAll(flags);
            this.known = Collections.unmodifiableSet(all);
        }

        /** Every option the command takes, without the leading dashes. */
        public Set<String> known() {
            return known;
        }

        private static String options(Set<String> withValue, Set<String> flags) {
            Set<String> all = new TreeSet<>(withValue);
            all.addAll(flags);
            return all.stream().map(o -> "--" + o).collect(Collectors.joining(" "));
        }
    }
}
