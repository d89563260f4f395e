package dev.totem.node.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The typed reading of one file's values, and the problems found in it: each reader returns the
 * value, or empty when it is absent or bad, and reports a bad one with its line and what is
 * allowed. One instance per file, shared by the section readers ({@link ConfigValidator},
 * {@link NodelistReader}).
 */
final class ConfigValues {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final String file;
    private final List<ConfigProblem> errors = new ArrayList<>();
    private final List<ConfigProblem> warnings = new ArrayList<>();

    ConfigValues(String file) {
        this.file = file;
    }

    /** Whether {@code text} is a whole number as the files write them: digits, with a sign or not. */
    static boolean isWholeNumber(String text) {
        return WHOLE_NUMBER.matcher(text).matches();
    }

    /** Whether any error was reported so far. */
    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** The errors so far, sorted by line. */
    List<ConfigProblem> errors() {
        errors.sort(Comparator.comparingInt(ConfigProblem::line));
        return errors;
    }

    /** The warnings so far, sorted by line. */
    List<ConfigProblem> warnings() {
        warnings.sort(Comparator.comparingInt(ConfigProblem::line));
        return warnings;
    }

    /** A timeout in ms: a whole number from {@code min} up to {@link ConfigValidator#TIMEOUT_MAX_MS}. */
    OptionalInt timeout(ConfSection s, String key, int min) {
        return integer(s, key, min, ConfigValidator.TIMEOUT_MAX_MS, " ms");
    }

    /**
     * @return the whole number, or empty when absent or bad (bad ones are reported)
     */
    OptionalInt integer(ConfSection s, String key, int min, int max, String unit) {
        Optional<ConfEntry> entry = s.entry(key);
        if (entry.isEmpty()) {
            return OptionalInt.empty();
        }
        String value = entry.get().value();
        String allowed = "; allowed " + min + ".." + max + unit;
        if (!isWholeNumber(value)) {
            error(entry.get().line(), key + ": '" + value + "' is not a whole number" + allowed);
            return OptionalInt.empty();
        }
        // More than 18 digits cannot be in range; avoid Long overflow on absurd input.
        String digits = value.replaceFirst("^[-+]", "").replaceFirst("^0+(?=.)", "");
        if (digits.length() > 18 || Long.parseLong(value) < min || Long.parseLong(value) > max) {
            error(entry.get().line(), key + ": '" + value + "' is out of range" + allowed);
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(value.replaceFirst("^\\+", "")));
    }

    /**
     * @param reasons why some values are refused although corosync knows them (knet, ...)
     * @return the value when it is one of {@code allowed}; empty when absent or bad (bad ones are reported)
     */
    Optional<String> choice(ConfSection s, String key, List<String> allowed, Map<String, String> reasons) {
        Optional<ConfEntry> entry = s.entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        String value = entry.get().value();
        if (allowed.contains(value)) {
            return Optional.of(value);
        }
        String why = reasons.getOrDefault(value, "is not allowed");
        error(entry.get().line(), key + ": '" + value + "' " + why + "; allowed " + String.join(", ", allowed));
        return Optional.empty();
    }

    Optional<Boolean> bool(ConfSection s, String key) {
        return choice(s, key, List.of("yes", "no", "on", "off"), Map.of()).map(v -> v.equals("yes") || v.equals("on"));
    }

    Optional<String> text(ConfSection s, String key) {
        Optional<ConfEntry> entry = s.entry(key);
        if (entry.isPresent() && entry.get().value().isEmpty()) {
            error(entry.get().line(), key + ": expected a value, got nothing");
            return Optional.empty();
        }
        return entry.map(ConfEntry::value);
    }

    /** Parses an IP literal without ever resolving a name, so validation never waits on DNS. */
    Optional<InetAddress> address(ConfSection s, String key) {
        Optional<ConfEntry> entry = s.entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        String value = entry.get().value();
        Optional<InetAddress> parsed = parseAddress(value);
        if (parsed.isEmpty()) {
            error(entry.get().line(), key + ": '" + value + "' is not an IP address; allowed an IPv4 or IPv6 "
                    + "address (host names are not resolved)");
        }
        return parsed;
    }

    /**
     * @param text an IPv4 dotted quad or an IPv6 literal
     * @return the address, or empty when the text is neither (host names included)
     */
    static Optional<InetAddress> parseAddress(String text) {
        Matcher v4 = IPV4.matcher(text);
        try {
            if (v4.matches()) {
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int part = Integer.parseInt(v4.group(i + 1));
                    if (part > 255) {
                        return Optional.empty();
                    }
                    bytes[i] = (byte) part;
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            if (IPV6.matcher(text).matches()) {
                // Brackets make the JDK insist on a literal: a bad one fails instead of going to DNS.
                return Optional.of(InetAddress.getByName("[" + text + "]"));
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static int family(InetAddress a) {
        return a instanceof Inet4Address ? 4 : 6;
    }

    static String familyName(InetAddress a) {
        return a instanceof Inet4Address ? "IPv4" : "IPv6";
    }

    void error(int line, String message) {
        errors.add(new ConfigProblem(file, line, message));
    }

    void warning(int line, String message) {
        warnings.add(new ConfigProblem(file, line, message));
    }
}
