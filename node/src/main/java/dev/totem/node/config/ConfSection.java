package dev.totem.node.config;

import java.util.List;
import java.util.Optional;

/**
 * One {@code name { ... }} section of a configuration file, or the file itself (the root, with
 * an empty name). Keys are unique within a section (the parser reports duplicates); sections may
 * repeat ({@code node}, {@code interface}).
 *
 * @param name the section name; empty for the root
 * @param path the dotted path from the root, as corosync's cmap spells it ({@code totem.interface})
 * @param line the line of the opening brace; 0 for the root
 * @param entries the key/value lines, in file order
 * @param sections the nested sections, in file order
 */
record ConfSection(String name, String path, int line, List<ConfEntry> entries, List<ConfSection> sections) {

    ConfSection {
        entries = List.copyOf(entries);
        sections = List.copyOf(sections);
    }

    /** @return the entry with that key, if present */
    Optional<ConfEntry> entry(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    /** @return the nested sections with that name, in file order */
    List<ConfSection> sections(String sectionName) {
        return sections.stream().filter(s -> s.name().equals(sectionName)).toList();
    }
}
