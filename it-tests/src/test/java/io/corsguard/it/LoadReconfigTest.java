package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.demo.DemoEndpoints;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load with live reconfiguration (issue 10, point 4): keep-alive clients drive the demo's Tomcat
 * and Netty servers (one child JVM, {@code -javaagent}) for {@link #LOAD} while the properties
 * file flips mode and allowlist every second ({@code reload.interval=100ms}). Every response must
 * arrive complete and well-formed, and satisfy the invariant of a configuration in force while it
 * was being produced; the agent's state must not grow.
 */
class LoadReconfigTest {
    static final Duration LOAD = Duration.ofSeconds(62);
    static final Duration FLIP = Duration.ofSeconds(1);
    static final int CLIENTS_PER_SERVER = 2;
    /**
     * Classes the engine's decision memo keeps, at most one each per slot (violations: a few per
     * decision; header lines: the written and the corrected lines of its outcome; the reporter's
     * {@code OutcomeCache}: one per outcome, replaced, never chained).
     */
    static final Set<String> MEMO_HELD = Set.of("io.corsguard.policy.DecisionMemo$Entry", "io.corsguard.policy.Decision",
        "io.corsguard.policy.Violation", "io.corsguard.policy.HeaderPatch", "io.corsguard.policy.Outcome",
        "io.corsguard.policy.HeaderLines", "io.corsguard.report.OutcomeCache");
    /** {@code DecisionMemo}'s slots. */
    static final int MEMO_SLOTS = 256;

    static final String A = DemoEndpoints.APP_ORIGIN;
    static final String B = "https://b.partner.example";
    static final String EVIL = "https://evil.example";
    static final String LOOKALIKE = "https://app.example.com.evil.example";
    /** {@code null} in this list: a request without Origin (never touched in any mode). */
    static final String[] ORIGINS = {A, B, EVIL, LOOKALIKE, "null", null};

    /** Endpoints whose answers keep "trusted + credentials -> one ACAO = origin, one ACAC true" decidable for any trusted origin. */
    static final String[] GETS = {"reflect", "wildcard-credentials", "static-mismatch", "duplicate-acao", "null-origin", "no-vary",
        "no-credentials", "correct", "public"};
    static final String[] PREFLIGHTS = {"reflect", "preflight-wildcards", "private-network", "correct"};

    /** One configuration of the cycle; {@code trusted} lists which of {@link #ORIGINS} its allowlist trusts. */
    record Config(String mode, String allowedOrigins, Set<String> trusted) {
        String file() {
            return "corsguard.reload.interval=100ms\ncorsguard.mode=" + mode + "\ncorsguard.allowed-origins=" + allowedOrigins + "\n";
        }
    }

    static final List<Config> CYCLE = List.of(
        new Config("monitor", A, Set.of(A)),
        new Config("correct", A, Set.of(A)),
        new Config("correct", B, Set.of(B)),
        new Config("monitor", A + "," + B, Set.of(A, B)),
        // off -> correct: a kept-alive Netty connection must be judged again with its own requests
        new Config("off", A, Set.of(A)),
        new Config("correct", A + ",https://*.partner.example", Set.of(A, B)),
        new Config("correct", "https://other.example", Set.of()));

    @TempDir
    Path tmp;

    /** Configurations in the order written; an entry is added before its file is moved in place. */
    final List<Config> written = new CopyOnWriteArrayList<>();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong keepAliveReconnects = new AtomicLong();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicLong violationCount = new AtomicLong();
    final AtomicLong failureCount = new AtomicLong();

    @Test
    void sixtySecondsOfKeepAliveLoadWhileModeAndAllowlistFlipEverySecond() throws Exception {
        Path config = tmp.resolve("cg.properties");
        written.add(CYCLE.get(0));
        Files.writeString(config, CYCLE.get(0).file());
        try (ChildJvm jvm = ChildJvm.startJar(List.of("-Xmx256m", ChildJvm.javaagent("config=" + config)), ChildJvm.DEMO_JAR,
                "--serve", "--servlet-port", "0", "--netty-port", "0")) {
            Matcher m = Pattern.compile("READY servlet=(\\d+) netty=(\\d+)").matcher(
                jvm.awaitLine(l -> l.startsWith("READY"), Duration.ofSeconds(60)));
            assertTrue(m.find());
            int servletPort = Integer.parseInt(m.group(1));
            int nettyPort = Integer.parseInt(m.group(2));

            long end = System.nanoTime() + LOAD.toNanos();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS_PER_SERVER; i++) {
                clients.add(client("servlet", servletPort, i, end));
                clients.add(client("netty", nettyPort, i, end));
            }
            clients.forEach(Thread::start);

            int applied = 0;
            Map<String, Long> at20s = null;
            long started = System.nanoTime();
            for (int k = 1; System.nanoTime() + FLIP.toNanos() < end; k++) {
                ChildJvm.sleep(FLIP.toMillis());
                if (at20s == null && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(20)) {
                    at20s = agentHistogram(jvm);
                }
                Config next = CYCLE.get(k % CYCLE.size());
                written.add(next);
                Path staged = tmp.resolve("cg.properties.new");
                Files.writeString(staged, next.file());
                // atomic: the reload never reads half a file
                Files.move(staged, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                // the next flip is written only once this one is applied, so at any moment at most the
                // two configurations adjacent in time can be in force (see check())
                awaitReloads(jvm, k);
                applied = k;
            }
            for (Thread t : clients) {
                t.join(30_000);
            }
            Map<String, Long> atEnd = agentHistogram(jvm);

            long reloads = countReloads(jvm);
            long rejected = jvm.stderr().stream().filter(l -> l.contains("reload rejected") || l.contains("agent error")).count();
            System.out.printf("load: %d requests (%d keep-alive reconnects by the servers), %d reconfigurations applied (%d reload lines),"
                    + " failures %d, violations %d%n", requests.get(), keepAliveReconnects.get(), applied, reloads, failureCount.get(),
                violationCount.get());
            System.out.println("load: agent state after full GC at 20 s: " + perRequestState(at20s));
            System.out.println("load: agent state after full GC at end:  " + perRequestState(atEnd));

            assertEquals(0, failureCount.get(), "failed requests, first ones: " + failures);
            assertEquals(0, violationCount.get(), "responses violating the configuration in force, first ones: " + violations);
            assertTrue(applied >= 40, "reconfigurations applied: " + applied);
            assertEquals(applied, reloads, "one reload per flip");
            assertEquals(0, rejected, jvm.describe());
            assertTrue(requests.get() > 10_000, "requests sent: " + requests.get());

            // no growth of agent state between 20 s and the end (the same load throughout; dedupe
            // windows and learned origins are bounded by the few distinct origins and paths)
            for (Map.Entry<String, Long> e : atEnd.entrySet()) {
                if (e.getKey().equals("heap-bytes")) {
                    continue;
                }
                if (MEMO_HELD.contains(e.getKey())) {
                    // the engine's decision memo: a fixed number of slots per configuration, each
                    // holding one decision (its violations and patch); bounded, not per request
                    long memos = atEnd.getOrDefault("io.corsguard.policy.DecisionMemo", 0L);
                    assertTrue(memos <= 2, "decision memos alive: " + memos + "\n" + atEnd);
                    assertTrue(e.getValue() <= memos * MEMO_SLOTS * (e.getKey().endsWith("Violation") ? 8 : e.getKey().endsWith("HeaderLines") ? 2 : 1) + 2,
                        e.getKey() + ": " + e.getValue() + " for " + memos + " memo(s)\n" + atEnd);
                    continue;
                }
                long before = at20s.getOrDefault(e.getKey(), 0L);
                assertTrue(e.getValue() <= before + 16, e.getKey() + " grew from " + before + " to " + e.getValue()
                    + "\n20 s: " + at20s + "\nend: " + atEnd);
            }
            // per-connection state once the clients have closed their connections: at most one
            // connection per client can still be closing
            assertTrue(atEnd.getOrDefault(NettyFamilyTest.CAPTURED, 0L) <= CLIENTS_PER_SERVER, atEnd.toString());
            assertTrue(atEnd.getOrDefault(NettyFamilyTest.QUEUE, 0L) <= CLIENTS_PER_SERVER, atEnd.toString());
            long heap20 = at20s.get("heap-bytes");
            long heapEnd = atEnd.get("heap-bytes");
            assertTrue(heapEnd < heap20 + heap20 / 4 + 8_000_000L, "live heap after full GC grew from " + heap20 + " to " + heapEnd);
        }
    }

    private static void awaitReloads(ChildJvm jvm, int n) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (countReloads(jvm) < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("reload " + n + " not applied within 20 s\n" + jvm.describe());
            }
            ChildJvm.sleep(10);
        }
    }

    private static long countReloads(ChildJvm jvm) {
        return jvm.stderr().stream().filter(l -> l.contains("configuration reloaded")).count();
    }

    /** The part of the histogram that could grow with traffic: live heap, request facts, queues, dedupe windows, learned origins. */
    static Map<String, Long> perRequestState(Map<String, Long> histogram) {
        Map<String, Long> out = new TreeMap<>();
        histogram.forEach((k, v) -> {
            if (k.equals("heap-bytes") || k.startsWith("io.corsguard.bootstrap.") || k.startsWith("io.corsguard.report.Dedupe")
                    || k.startsWith("io.corsguard.report.LearnedOrigins") || k.startsWith("io.corsguard.servlet.GenericServletLayer")
                    || k.startsWith("io.corsguard.engine.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /**
     * Instance counts of the agent's classes and the live heap in bytes, from
     * {@code jcmd GC.class_histogram} (a full GC first, so only reachable objects count).
     */
    static Map<String, Long> agentHistogram(ChildJvm jvm) throws Exception {
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(jvm.pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd failed: " + out);
        Map<String, Long> counts = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":") && f[3].startsWith("io.corsguard.") && !f[3].startsWith("io.corsguard.demo.")) {
                counts.merge(f[3], Long.parseLong(f[1]), Long::sum);
            } else if (f.length >= 3 && f[0].equals("Total")) {
                counts.put("heap-bytes", Long.parseLong(f[2]));
            }
        }
        assertTrue(counts.containsKey("heap-bytes"), "not a class histogram: " + out);
        return counts;
    }

    // ---------------------------------------------------------------- clients

    private Thread client(String server, int port, int n, long end) {
        Thread t = new Thread(() -> {
            Random random = new Random(31L * n + server.hashCode());
            Socket socket = null;
            try {
                InputStream in = null;
                while (System.nanoTime() < end) {
                    if (socket == null) {
                        socket = new Socket("127.0.0.1", port);
                        socket.setSoTimeout(10_000);
                        socket.setTcpNoDelay(true);
                        in = new BufferedInputStream(socket.getInputStream());
                    }
                    if (!exchange(server, socket, in, random)) {
                        socket.close();
                        socket = null;
                        keepAliveReconnects.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                fail(server + ": " + e);
            } finally {
                try {
                    if (socket != null) {
                        socket.close();
                    }
                } catch (IOException ignored) {
                    // closing
                }
            }
        }, "load-" + server + "-" + n);
        t.setDaemon(true);
        return t;
    }

    private void fail(String what) {
        if (failureCount.incrementAndGet() <= 20) {
            failures.add(what);
        }
    }

    /** One request on a kept-alive connection; returns false when the server asked to close it. */
    private boolean exchange(String server, Socket socket, InputStream in, Random random) throws IOException {
        boolean preflight = random.nextInt(4) == 0;
        String endpoint = preflight ? PREFLIGHTS[random.nextInt(PREFLIGHTS.length)] : GETS[random.nextInt(GETS.length)];
        String origin = ORIGINS[random.nextInt(ORIGINS.length)];
        String method = preflight ? "OPTIONS" : "GET";
        String path = "/api/" + endpoint;
        StringBuilder req = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (origin != null) {
            req.append("Origin: ").append(origin).append("\r\n");
        }
        if (preflight) {
            req.append("Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type,x-token\r\n");
        } else {
            req.append("Cookie: session=demo\r\n");
        }
        req.append("\r\n");
        DemoEndpoints.DemoResponse app = DemoEndpoints.answer(new DemoEndpoints.DemoRequest(method, path, origin,
            preflight ? "PUT" : null, preflight ? "content-type,x-token" : null, preflight ? null : "session=demo"));

        int lo = written.size() - 2; // the configuration written last may not be applied yet
        OutputStream out = socket.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        List<String> head = readHead(in);
        int hi = written.size() - 1;
        requests.incrementAndGet();
        String what = server + " " + method + " " + path + " origin=" + origin;
        if (head.isEmpty() || !head.get(0).matches("HTTP/1\\.1 \\d{3}( .*)?")) {
            fail(what + ": bad status line " + head);
            return false;
        }
        int status = Integer.parseInt(head.get(0).substring(9, 12));
        if (status != app.status) {
            fail(what + ": status " + status + ", the app answers " + app.status);
        }
        List<String> lengths = values(head, "Content-Length");
        String expectedBody = status == 204 ? "" : app.body;
        if (lengths.size() != 1) {
            if (status != 204 || !lengths.isEmpty()) {
                fail(what + ": Content-Length " + lengths + " in " + head);
                return false;
            }
        } else {
            byte[] body = in.readNBytes(Integer.parseInt(lengths.get(0)));
            if (!new String(body, StandardCharsets.UTF_8).equals(expectedBody)) {
                fail(what + ": body " + new String(body, StandardCharsets.UTF_8));
                return false;
            }
        }
        check(what, origin, app, cors(head), lo, hi);
        return values(head, "Connection").stream().noneMatch(v -> v.equalsIgnoreCase("close"));
    }

    /**
     * The invariant of the configuration in force. A reload swaps the configuration between two
     * responses, never within one, but a response in flight during a flip may have been judged
     * before or after the swap: every configuration from the one in force when the request was
     * sent ({@code lo}, which is the last one written or, if that was not applied yet, the one
     * before it) to the last one written when the response arrived ({@code hi}) is accepted. Since
     * the next flip is written only after the previous one was seen applied, that is at most the
     * two configurations adjacent in time.
     */
    private void check(String what, String origin, DemoEndpoints.DemoResponse app, List<String> received, int lo, int hi) {
        List<String> asWritten = new ArrayList<>();
        for (String[] h : app.headers) {
            if (isCors(h[0])) {
                asWritten.add(h[0] + ": " + h[1]);
            }
        }
        List<String> why = new ArrayList<>();
        for (int k = Math.max(0, lo); k <= hi; k++) {
            Config c = written.get(k);
            String problem = violation(c, origin, asWritten, received);
            if (problem == null) {
                return;
            }
            why.add(c.mode() + " " + c.allowedOrigins() + ": " + problem);
        }
        if (violationCount.incrementAndGet() <= 20) {
            violations.add(what + " received " + received + " as written " + asWritten + " -> " + why);
        }
    }

    /** Null when {@code received} is allowed under {@code c}, else what is wrong. */
    static String violation(Config c, String origin, List<String> asWritten, List<String> received) {
        if (origin == null || !c.mode().equals("correct")) {
            return received.equals(asWritten) ? null : "must be sent as the app wrote it";
        }
        List<String> acac = values(received, "Access-Control-Allow-Credentials");
        List<String> acao = values(received, "Access-Control-Allow-Origin");
        if (!c.trusted().contains(origin)) {
            if (!acac.isEmpty()) {
                return "untrusted origin kept Access-Control-Allow-Credentials";
            }
            if (!values(received, "Access-Control-Allow-Private-Network").isEmpty()) {
                return "untrusted origin kept Access-Control-Allow-Private-Network";
            }
            return null;
        }
        if (!acac.isEmpty() && !(acac.equals(List.of("true")) && acao.equals(List.of(origin)))) {
            return "trusted credentialed response needs exactly one ACAO = origin and one ACAC true";
        }
        return null;
    }

    static boolean isCors(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("access-control-") || lower.equals("vary");
    }

    static List<String> cors(List<String> head) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < head.size(); i++) {
            String line = head.get(i);
            int colon = line.indexOf(':');
            if (colon > 0 && isCors(line.substring(0, colon))) {
                out.add(line);
            }
        }
        return out;
    }

    static List<String> values(List<String> lines, String name) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                out.add(line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    /** Status line and header lines up to the blank line; fails on a connection closed mid-head. */
    static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        for (;;) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + lines.size() + " head lines");
            }
            if (prev == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                String s = new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                if (s.isEmpty()) {
                    return lines;
                }
                lines.add(s);
                line.reset();
            } else {
                line.write(b);
            }
            prev = b;
        }
    }
}
