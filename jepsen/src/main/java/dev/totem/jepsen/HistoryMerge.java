package dev.totem.jepsen;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges the traces of a run (the nemesis's and one per node process) into one trace ordered by
 * time. Each file is already in time order and keeps its order; lines of equal time keep the
 * order of the files as given. A killed process may leave a last line cut short: it is dropped
 * and counted, as if the process had died a moment earlier.
 */
final class HistoryMerge {
    /**
     * What the merge wrote.
     *
     * @param lines lines in the merged trace
     * @param partialLinesDropped cut-short last lines left out
     */
    record Result(long lines, int partialLinesDropped) {}

    private HistoryMerge() {}

    static Result merge(List<Path> traces, Path merged) throws IOException {
        List<List<String>> files = new ArrayList<>();
        int partial = 0;
        for (Path p : traces) {
            String text = Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
            int end = text.lastIndexOf('\n');
            if (end + 1 < text.length()) {
                partial++;
            }
            List<String> lines = new ArrayList<>();
            for (String line : text.substring(0, end + 1).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            files.add(lines);
        }
        // Entries: {time, file index, line index}.
        PriorityQueue<long[]> heads = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        for (int f = 0; f < files.size(); f++) {
            if (!files.get(f).isEmpty()) {
                heads.add(new long[] {timeOf(files.get(f).get(0), traces.get(f), 1), f, 0});
            }
        }
        long count = 0;
        try (BufferedWriter w = Files.newBufferedWriter(merged, StandardCharsets.UTF_8)) {
            while (!heads.isEmpty()) {
                long[] h = heads.poll();
                List<String> lines = files.get((int) h[1]);
                w.write(lines.get((int) h[2]));
                w.write('\n');
                count++;
                int next = (int) h[2] + 1;
                if (next < lines.size()) {
                    heads.add(new long[] {timeOf(lines.get(next), traces.get((int) h[1]), next + 1), h[1], next});
                }
            }
        }
        return new Result(count, partial);
    }

    /** The {@code t} of a trace line, which the format puts first: {@code {"t":123,...}}. */
    static long timeOf(String line, Path file, int lineNumber) throws IOException {
        String prefix = "{\"t\":";
        if (!line.startsWith(prefix)) {
            throw new IOException(file + " line " + lineNumber + ": a trace line starts with {\"t\":, got " + abbreviate(line));
        }
        int i = prefix.length();
        int j = i;
        while (j < line.length() && Character.isDigit(line.charAt(j))) {
            j++;
        }
        if (j == i || j - i > 18) {
            throw new IOException(file + " line " + lineNumber + ": bad time in " + abbreviate(line));
        }
        return Long.parseLong(line.substring(i, j));
    }

    private static String abbreviate(String line) {
        return line.length() > 60 ? line.substring(0, 60) + "..." : line;
    }
}
