package io.chatcache.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The tiny command-line parsing the main classes share: {@code --name value} pairs, nothing else. */
final class Args {

    private Args() {
    }

    /**
     * Parses {@code --name value} pairs.
     *
     * @throws IllegalArgumentException on an unknown option or a missing value, naming the known options
     */
    static Map<String, String> parse(String[] args, String... known) {
        List<String> knownNames = Arrays.asList(known);
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!knownNames.contains(name)) {
                throw new IllegalArgumentException("unknown option '" + name + "'; known: " + knownNames);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            options.put(name, args[++i]);
        }
        return options;
    }

    /** Parses a comma-separated list of positive integers. */
    static int[] ints(String list) {
        int[] values = Arrays.stream(list.split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
        for (int value : values) {
            if (value < 1) {
                throw new IllegalArgumentException("values must be positive, was " + value + " in " + list);
            }
        }
        return values;
    }

    /** Parses one positive integer option. */
    static int positiveInt(Map<String, String> options, String name, int fallback) {
        String raw = options.get(name);
        if (raw == null) {
            return fallback;
        }
        int value = Integer.parseInt(raw.strip());
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }
}
