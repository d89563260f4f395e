package dev.totem.node.config;

/**
 * One {@code key: value} line of a configuration file.
 *
 * @param key the key, case-sensitive as corosync's
 * @param value the value with surrounding blanks and quotes removed; may be empty
 * @param line the 1-based line number
 */
record ConfEntry(String key, String value, int line) {
}
