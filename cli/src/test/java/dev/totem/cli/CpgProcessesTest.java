package dev.totem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CPG across processes on loopback: three {@code ./totem node} processes, each with its CPG
 * socket, and {@code ./totem testcpg} client processes on them. Clients join and leave; a killed
 * client is PROCDOWN at the others, a killed node NODEDOWN; after every change every live
 * client lists the same members; {@code ./totem cpg members} agrees.
 */
class CpgProcessesTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GROUP = "orders";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final Process[] nodes = new Process[4];

    /** One testcpg process and what it printed. */
    private record Client(Process process, List<String> lines, int node) {
        int pid() {
            return lines.stream().filter(l -> l.startsWith("Local node id is ")).findFirst()
                    .map(l -> Integer.parseInt(l.replaceFirst(".*, pid ", ""))).orElse(-1);
        }

        String lastMembers() {
            String last = "";
            for (String l : lines) {
                if (l.startsWith("Members: ")) {
                    last = l.substring("Members: ".length());
                }
            }
            return last;
        }

        void type(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private Process spawn(String name, String... args) throws IOException {
        String java = ChildJvm.java();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(dir.resolve(name + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private Path socket(int node) {
        return dir.resolve("cpg" + node + ".sock");
    }

    private void startNode(int id, Path config) throws IOException {
        nodes[id] = spawn("node" + id, "node", "-c", config.toString(), "--nodeid", Integer.toString(id), "--state-dir",
                dir.resolve("state" + id).toString(), "--admin-socket", dir.resolve("admin" + id + ".sock").toString(),
                "--cpg-socket", socket(id).toString());
        nodes[id].getOutputStream().close();
    }

    private Client client(int node, String name) throws IOException {
        await("the CPG socket of node " + node).atMost(WAIT).until(() -> Files.exists(socket(node)));
        Process p = spawn(name, "testcpg", "--socket", socket(node).toString(), GROUP);
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "testcpg-reader-" + name);
        reader.setDaemon(true);
        reader.start();
        Client c = new Client(p, lines, node);
        await(name + " started").atMost(WAIT).until(() -> c.pid() > 0);
        return c;
    }

    private static String member(Client c) {
        return c.node() + "/" + c.pid();
    }

    /** Every live client lists exactly {@code expected} (in any order) as the group's last members. */
    private static void awaitAgreement(String what, List<Client> live, Client... expected) {
        Set<String> want = new HashSet<>();
        for (Client c : expected) {
            want.add(member(c));
        }
        await(what).atMost(WAIT).until(() -> live.stream().allMatch(c ->
                new HashSet<>(List.of(c.lastMembers().split(" "))).equals(want)));
        String first = live.get(0).lastMembers();
        for (Client c : live) {
            assertThat(c.lastMembers()).as("the member list at %s", member(c)).isEqualTo(first);
        }
    }

    private static void awaitLine(Client at, String line) {
        await("'" + line + "' at " + member(at)).atMost(WAIT).until(() -> at.lines().contains(line));
    }

    @Test
    void clientsJoinLeaveAndDieAndANodeDiesWhileEveryMemberAgrees() throws Exception {
        Path key = dir.resolve("authkey");
        DemoCommand.writeKey(key);
        Path config = DemoCommand.writeConfig(dir, "udpu", key, "totem.conf");
        for (int id = 1; id <= 3; id++) {
            startNode(id, config);
        }
        Client a = client(1, "a");
        Client b = client(2, "b");
        Client c = client(3, "c");
        Client d = client(1, "d");
        awaitAgreement("four members", List.of(a, b, c, d), a, b, c, d);

        a.type("hello from a");
        for (Client x : List.of(a, b, c, d)) {
            awaitLine(x, "DeliverCallback: message (len=12) from node/pid 1/" + a.pid() + ": 'hello from a'");
        }

        d.process().getOutputStream().close(); // end of stdin: testcpg leaves
        for (Client x : List.of(a, b, c)) {
            awaitLine(x, "left node/pid 1/" + d.pid() + " reason: 2 (leave)");
        }
        awaitAgreement("three members after a leave", List.of(a, b, c), a, b, c);

        c.process().destroyForcibly();
        for (Client x : List.of(a, b)) {
            awaitLine(x, "left node/pid 3/" + c.pid() + " reason: 5 (procdown)");
        }
        awaitAgreement("two members after a killed client", List.of(a, b), a, b);

        Client e = client(3, "e");
        awaitAgreement("a new client on node 3", List.of(a, b, e), a, b, e);

        nodes[3].destroyForcibly();
        for (Client x : List.of(a, b)) {
            awaitLine(x, "left node/pid 3/" + e.pid() + " reason: 3 (nodedown)");
        }
        awaitAgreement("two members after a killed node", List.of(a, b), a, b);

        CliRun members = new CliRun();
        assertThat(members.run("cpg", "members", "--socket", socket(2).toString(), GROUP)).isZero();
        assertThat(members.out.toString()).contains("2 member(s)", "  1/" + a.pid(), "  2/" + b.pid());

        CliRun groups = new CliRun();
        assertThat(groups.run("cpg", "groups", "--socket", socket(2).toString())).isZero();
        assertThat(groups.out.toString().lines()).containsExactly("Groups on node 2: 1",
                "Group '" + GROUP + "': 2 member(s)", "  1/" + a.pid(), "  2/" + b.pid());
    }
}
