package io.corsguard.it;

import io.corsguard.demo.RawHttp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One request to a running demo: the raw response head and the report lines it caused. */
public final class Exchange {
    private static final Pattern RULE = Pattern.compile("\"rule\":\"(CG\\d{3})\"");
    private static final Pattern ACTION = Pattern.compile("\"action\":\"([a-z-]+)\"");

    public final RawHttp.Head head;
    public final List<String> reportLines;

    private Exchange(RawHttp.Head head, List<String> reportLines) {
        this.head = head;
        this.reportLines = reportLines;
    }

    /**
     * Sends the request and collects the JSON report lines the child wrote meanwhile. The agent
     * writes a report before the response head leaves, so after the head is read only the pipe
     * to this JVM can lag: wait until the output has been quiet for a moment.
     */
    public static Exchange send(DemoServers.Running demo, String server, String method, String path, String... headers) throws IOException {
        return send(demo.jvm, demo.port(server), 0, method, path, headers);
    }

    /**
     * As {@link #send(DemoServers.Running, String, String, String, String...)}, but first waits (up
     * to 5 s) until at least {@code expectedReports} report lines have arrived: on a loaded machine
     * the pipe can lag longer than the quiet period, and a late line would count for the next request.
     */
    public static Exchange send(DemoServers.Running demo, String server, int expectedReports, String method, String path,
                                String... headers) throws IOException {
        return send(demo.jvm, demo.port(server), expectedReports, method, path, headers);
    }

    /** The same, to any child JVM's server on {@code port}. */
    public static Exchange send(ChildJvm jvm, int port, String method, String path, String... headers) throws IOException {
        return send(jvm, port, 0, method, path, headers);
    }

    /** To any child JVM's server, waiting (up to 5 s) for {@code expectedReports} report lines first. */
    public static Exchange send(ChildJvm jvm, int port, int expectedReports, String method, String path,
                                String... headers) throws IOException {
        int mark = jvm.stderr().size();
        RawHttp.Head head = RawHttp.send("127.0.0.1", port, method, path, headers);
        for (long end = System.nanoTime() + 5_000_000_000L; System.nanoTime() < end && reportsSince(jvm, mark) < expectedReports; ) {
            ChildJvm.sleep(10);
        }
        int last = -1;
        for (int i = 0; i < 40; i++) {
            ChildJvm.sleep(25);
            int now = jvm.stderr().size();
            if (now == last && i >= 3) {
                break;
            }
            last = now;
        }
        List<String> lines = new ArrayList<>();
        List<String> err = jvm.stderr();
        for (int i = mark; i < err.size(); i++) {
            if (err.get(i).startsWith("{")) {
                lines.add(err.get(i));
            }
        }
        return new Exchange(head, lines);
    }

    private static int reportsSince(ChildJvm jvm, int mark) {
        List<String> err = jvm.stderr();
        int n = 0;
        for (int i = mark; i < err.size(); i++) {
            if (err.get(i).startsWith("{")) {
                n++;
            }
        }
        return n;
    }

    /** The CORS lines ({@code Access-Control-*}, {@code Vary}) as received, in wire order. */
    public List<String> corsLines() {
        List<String> out = new ArrayList<>();
        for (String line : head.lines) {
            String lower = line.toLowerCase();
            if (lower.startsWith("access-control-") || lower.startsWith("vary:")) {
                out.add(line);
            }
        }
        return out;
    }

    /** {@code CG003:strip-credentials} for each report line, in order. */
    public List<String> rulesAndActions() {
        List<String> out = new ArrayList<>();
        for (String line : reportLines) {
            Matcher r = RULE.matcher(line);
            Matcher a = ACTION.matcher(line);
            out.add((r.find() ? r.group(1) : "?") + ":" + (a.find() ? a.group(1) : "?"));
        }
        return out;
    }
}
