package dev.totem.node.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The syntax of corosync.conf: {@code name {} / {@code key: value} / {@code }}, one per line,
 * {@code #} comments and blank lines. It knows nothing of which keys exist; {@link ConfigValidator}
 * does. Like corosync's exec/coroparse.c the first {@code :} splits key from value (so IPv6
 * addresses need no quoting) and braces stand at the end of a line; beyond corosync it accepts
 * double-quoted values and comments after a blank at the end of a line, and rejects a key given
 * twice in one section (corosync silently keeps the last).
 */
final class ConfParser {

    /** Section and key names: corosync's are lower-case words with digits and underscores. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    private final String file;
    private final List<ConfigProblem> errors;

    private ConfParser(String file, List<ConfigProblem> errors) {
        this.file = file;
        this.errors = errors;
    }

    /**
     * Parses a whole file. A bad line is reported and skipped, so one pass reports every syntax
     * error; the tree returned is only meaningful when no error was added.
     *
     * @param file the name problems are reported under
     * @param lines the file's lines
     * @param errors receives the syntax errors
     * @return the root section
     */
    static ConfSection parse(String file, List<String> lines, List<ConfigProblem> errors) {
        return new ConfParser(file, errors).parse(lines);
    }

    /** A section being read: what it holds so far and where each key was first seen. */
    private static final class Open {
        final String name;
        final String path;
        final int line;
        final List<ConfEntry> entries = new ArrayList<>();
        final List<ConfSection> sections = new ArrayList<>();
        final Map<String, Integer> keyLines = new HashMap<>();

        Open(String name, String path, int line) {
            this.name = name;
            this.path = path;
            this.line = line;
        }

        ConfSection close() {
            return new ConfSection(name, path, line, entries, sections);
        }
    }

    private ConfSection parse(List<String> lines) {
        Deque<Open> stack = new ArrayDeque<>();
        Open root = new Open("", "", 0);
        stack.push(root);
        for (int i = 0; i < lines.size(); i++) {
            parseLine(stack, i + 1, lines.get(i));
        }
        // Innermost first would hide the outer ones; report every section left open, outermost first.
        List<Open> unclosed = new ArrayList<>(stack);
        for (int i = unclosed.size() - 2; i >= 0; i--) {
            Open open = unclosed.get(i);
            error(open.line, "section '" + open.name + "' is never closed; expected '}' before the end of the file");
        }
        while (stack.size() > 1) {
            Open inner = stack.pop();
            stack.peek().sections.add(inner.close());
        }
        return root.close();
    }

    private void parseLine(Deque<Open> stack, int lineNo, String raw) {
        String line = blankTrim(stripComment(raw));
        if (line.isEmpty()) {
            return;
        }
        if (line.equals("}")) {
            if (stack.size() == 1) {
                error(lineNo, "unexpected '}': no section is open here");
            } else {
                Open closed = stack.pop();
                stack.peek().sections.add(closed.close());
            }
            return;
        }
        int colon = line.indexOf(':');
        int brace = line.indexOf('{');
        if (colon >= 0 && (brace < 0 || colon < brace)) {
            keyValue(stack.peek(), lineNo, line, colon);
        } else if (brace >= 0) {
            sectionStart(stack, lineNo, line, brace);
        } else if (line.indexOf('}') >= 0) {
            error(lineNo, "expected '}' on a line of its own, got '" + line + "'");
        } else {
            error(lineNo, "expected 'key: value', 'name {' or '}', got '" + line + "'");
        }
    }

    private void keyValue(Open section, int lineNo, String line, int colon) {
        String key = blankTrim(line.substring(0, colon));
        String value = blankTrim(line.substring(colon + 1));
        if (key.isEmpty()) {
            error(lineNo, "expected a key before ':', got '" + line + "'");
            return;
        }
        if (!NAME.matcher(key).matches()) {
            error(lineNo, "'" + key + "' is not a key name; expected letters, digits and '_' before ':'");
            return;
        }
        if (value.startsWith("\"")) {
            if (value.length() < 2 || !value.endsWith("\"")) {
                error(lineNo, "unterminated quote in the value of '" + key + "'; expected a closing '\"'");
                return;
            }
            value = value.substring(1, value.length() - 1);
        } else if (value.indexOf('{') >= 0 || value.indexOf('}') >= 0) {
            error(lineNo, "unexpected brace in the value of '" + key + "'; expected '" + key
                    + ": value' alone on its line (a section is 'name {' on a line of its own)");
            return;
        }
        if (section.keyLines.containsKey(key)) {
            error(lineNo, "duplicate key '" + key + "' in " + where(section) + " (first at line "
                    + section.keyLines.get(key) + ")");
            return;
        }
        section.keyLines.put(key, lineNo);
        section.entries.add(new ConfEntry(key, value, lineNo));
    }

    private void sectionStart(Deque<Open> stack, int lineNo, String line, int brace) {
        String name = blankTrim(line.substring(0, brace));
        String rest = blankTrim(line.substring(brace + 1));
        if (name.isEmpty()) {
            error(lineNo, "expected a section name before '{'");
            return;
        }
        if (!NAME.matcher(name).matches()) {
            error(lineNo, "'" + name + "' is not a section name; expected letters, digits and '_' before '{'");
            return;
        }
        if (!rest.isEmpty()) {
            error(lineNo, "unexpected '" + rest + "' after '" + name + " {'; expected the end of the line "
                    + "(one 'key: value' per line)");
            if (rest.endsWith("}")) {
                return; // a whole section on one line: it opens and closes here
            }
            // Otherwise still open the section, so the braces that follow stay balanced.
        }
        Open parent = stack.peek();
        stack.push(new Open(name, parent.path.isEmpty() ? name : parent.path + "." + name, lineNo));
    }

    private static String where(Open section) {
        return section.path.isEmpty() ? "the top level" : section.path;
    }

    /** Cuts a comment: {@code #} at the start of a line, or after a blank outside quotes. */
    private static String stripComment(String raw) {
        boolean quoted = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '#' && !quoted && (i == 0 || isBlank(raw.charAt(i - 1)))) {
                return raw.substring(0, i);
            }
        }
        return raw;
    }

    /** Trims spaces, tabs and no-break spaces (corosync treats 0xA0 as a blank too). */
    static String blankTrim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isBlank(s.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\u00A0' || c == '\r' || c == '\f';
    }

    private void error(int line, String message) {
        errors.add(new ConfigProblem(file, line, message));
    }
}
