package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corsguard.demo.DemoEndpoints;
import io.corsguard.it.DemoServers.Setup;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The demo's browser page in Debian's headless Chromium, driven through Debian's chromedriver:
 * what a browser really does with the demo's credentialed CORS responses, without the agent, in
 * monitor and in correct mode, from the app's own origin ({@code http://localhost:<page port>})
 * and from another site ({@code http://127.0.0.1:<page port>}). Read from the browser's side only:
 * the page's own results (did {@code fetch} resolve, did the session cookie arrive) and the
 * console's CORS errors. One demo JVM per setup, one Chromium for the class, one page load per
 * setup and origin.
 */
class BrowserTest {
    static final Path CHROMIUM = Paths.get(System.getProperty("corsguard.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Paths.get(System.getProperty("corsguard.chromedriver", "/usr/bin/chromedriver"));
    static final Setup[] SETUPS = {Setup.NO_AGENT, Setup.MONITOR, Setup.CORRECT};
    static final List<String> SERVERS = List.of("servlet", "netty");

    /**
     * Calls that fail in the browser for the app's own origin without the agent and work in correct
     * mode (with the test setups' {@code grant-credentials=true}): {@code endpoint/kind}.
     */
    static final List<String> BROKEN_FOR_OWN_ORIGIN = List.of("wildcard-credentials/get", "acac-uppercase/get",
        "static-mismatch/get", "duplicate-acao/get", "no-credentials/get", "no-credentials/put", "preflight-wildcards/put");

    /** Reads another site can make with the user's cookie without the agent: the app reflects its origin. */
    static final List<String> HOLE_FOR_OTHER_SITES = List.of("reflect/get", "reflect/put", "preflight-wildcards/get");

    private static final Pattern CORS_ERROR = Pattern.compile(
        "Access to fetch at '([^']+)' from origin '([^']+)' has been blocked by CORS policy: (.*)");
    private static final Pattern RULE_CODES = Pattern.compile("CG\\d{3}");

    private static final Map<Setup, Demo> DEMOS = new EnumMap<>(Setup.class);
    private static final Map<String, Visit> VISITS = new LinkedHashMap<>();
    private static ChromeDriver driver;
    /** Held: Selenium warns that it has no CDP classes for this Chromium; the tests use none. */
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");
    private static Path profile;
    private static String skipReason;

    /** A demo JVM with its page port: the app's own origin is {@code http://localhost:<pagePort>}. */
    record Demo(Setup setup, ChildJvm jvm, int pagePort) {
        String origin(boolean own) {
            return (own ? "http://localhost:" : "http://127.0.0.1:") + pagePort;
        }
    }

    /** One fetch as the page saw it. */
    record Row(String server, String endpoint, String kind, String url, String expected, String outcome, int status,
               boolean session) {
        String call() {
            return endpoint + "/" + kind;
        }

        /** What the browser did, for comparing setups (URLs differ by port). */
        String seen() {
            return server + " " + call() + " " + outcome + " " + status + (session ? " cookie" : "");
        }
    }

    /** One page load: the page's results, the console's CORS errors by URL, the screenshot. */
    record Visit(Demo demo, boolean own, String mode, List<Row> rows, Map<String, String> corsErrors, byte[] png) {
        Row row(String server, String call) {
            return rows.stream().filter(r -> r.server.equals(server) && r.call().equals(call)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + server + " " + call));
        }

        String where() {
            return demo.setup + " " + demo.origin(own);
        }
    }

    @BeforeAll
    static void startBrowserAndDemos() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String missing = "Chromium or chromedriver not found (" + CHROMIUM + ", " + CHROMEDRIVER
                + "; Debian: apt-get install chromium chromium-driver)";
            if (System.getenv("CI") != null) {
                fail(missing + ": CI is set, so the browser tests must run");
            }
            // skipped per test (@BeforeEach): an assumption failing in @BeforeAll is reported by
            // surefire as "Tests run: 0", which reads like a pass
            skipReason = missing + ": browser tests skipped (they run whenever CI is set)";
            return;
        }
        // all three demos start at once; each needs its page port in its allowlist before it starts
        for (Setup setup : SETUPS) {
            int pagePort = freePort();
            List<String> jvmArgs = new ArrayList<>();
            if (setup.agentArgs != null) {
                jvmArgs.add(ChildJvm.javaagent(setup.agentArgs + ";allowed-origins=" + DemoEndpoints.APP_ORIGIN
                    + ",http://localhost:" + pagePort + ";log.format=json;report.dedupe-window=0;reload.interval=0"));
            }
            DEMOS.put(setup, new Demo(setup, ChildJvm.startJar(jvmArgs, ChildJvm.DEMO_JAR, "--serve",
                "--servlet-port", "0", "--netty-port", "0", "--page-port", Integer.toString(pagePort)), pagePort));
        }
        CDP_LOG.setLevel(Level.SEVERE);
        profile = Files.createTempDirectory("corsguard-chromium-");
        ChromeOptions options = new ChromeOptions();
        // both paths explicit: Selenium Manager (which would download a browser) is never asked
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--no-proxy-server", "--window-size=1280,1000",
            "--user-data-dir=" + profile);
        // a fresh headless profile blocks third-party cookies: the other site's fetches would carry
        // no cookie and the hole would not show; a user with default desktop settings allows them
        options.setExperimentalOption("prefs", Map.of("profile.cookie_controls_mode", 0));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        for (Demo demo : DEMOS.values()) {
            demo.jvm.awaitLine(l -> l.startsWith("READY servlet=") && l.contains(" page="), Duration.ofSeconds(90));
        }
    }

    @BeforeEach
    void browserPresent() {
        assumeTrue(skipReason == null, skipReason);
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        for (Demo demo : DEMOS.values()) {
            demo.jvm.close();
        }
        DEMOS.clear();
        VISITS.clear();
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void withoutTheAgentTheBrokenEndpointsFailInTheBrowserForTheAppsOwnOrigin() {
        Visit v = visit(Setup.NO_AGENT, true);
        assertPageAsExpected(v, "none");
        for (String server : SERVERS) {
            for (String call : BROKEN_FOR_OWN_ORIGIN) {
                assertBlocked(v, server, call);
            }
            // the right endpoint works, with the cookie: the page and the login are sound
            assertReadableWithCookie(v, server, "correct/get");
            assertReadableWithCookie(v, server, "correct/put");
            assertTrue(v.corsErrors.get(v.row(server, "wildcard-credentials/get").url).contains("wildcard '*'"), v.corsErrors.toString());
            assertTrue(v.corsErrors.get(v.row(server, "acac-uppercase/get").url).contains("'True'"), v.corsErrors.toString());
        }
    }

    @Test
    void withoutTheAgentAnotherSiteReadsTheReflectingEndpointWithTheUsersCookie() {
        Visit v = visit(Setup.NO_AGENT, false);
        assertPageAsExpected(v, "none");
        for (String server : SERVERS) {
            for (String call : HOLE_FOR_OTHER_SITES) {
                assertReadableWithCookie(v, server, call);
            }
            assertBlocked(v, server, "correct/get");
        }
    }

    @Test
    void monitorModeChangesNothingInTheBrowserAndReportsEveryViolation() {
        for (boolean own : new boolean[] {true, false}) {
            Visit control = visit(Setup.NO_AGENT, own);
            Visit monitor = visit(Setup.MONITOR, own);
            assertPageAsExpected(monitor, "monitor");
            assertEquals(control.rows.stream().map(Row::seen).collect(Collectors.toList()),
                monitor.rows.stream().map(Row::seen).collect(Collectors.toList()), "browser outcomes, " + monitor.where());
            assertEquals(new TreeSet<>(control.corsErrors.keySet().stream().map(BrowserTest::pathOf).collect(Collectors.toList())),
                new TreeSet<>(monitor.corsErrors.keySet().stream().map(BrowserTest::pathOf).collect(Collectors.toList())),
                "CORS errors in the console, " + monitor.where());
        }
        // every violation the endpoints make (codes in their descriptions), per server, reported:
        // CG004 aside, a page cannot send Origin: null
        Demo demo = DEMOS.get(Setup.MONITOR);
        Set<String> expected = new TreeSet<>();
        for (String name : DemoEndpoints.names()) {
            Matcher m = RULE_CODES.matcher(DemoEndpoints.description(name));
            while (m.find()) {
                if (!m.group().equals("CG004")) {
                    for (String server : SERVERS) {
                        expected.add(server + " /api/" + name + " " + m.group());
                    }
                }
            }
        }
        Set<String> seen = new TreeSet<>();
        for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; ChildJvm.sleep(50)) {
            seen = reported(demo);
            if (seen.containsAll(expected)) {
                break;
            }
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(seen);
        assertTrue(missing.isEmpty(), "violations not reported: " + missing + "\nreported: " + seen);
        assertFalse(seen.stream().anyMatch(s -> s.contains("/api/correct ")), "the right endpoint is not reported: " + seen);
    }

    @Test
    void correctModeTheAppsOwnCredentialedCallsSucceed() {
        Visit v = visit(Setup.CORRECT, true);
        assertPageAsExpected(v, "correct");
        for (String server : SERVERS) {
            for (String call : BROKEN_FOR_OWN_ORIGIN) {
                assertReadableWithCookie(v, server, call);
            }
            assertReadableWithCookie(v, server, "correct/put");
        }
    }

    @Test
    void correctModeAnotherSitesReadsOfTheReflectingEndpointAreBlocked() throws IOException {
        Visit v = visit(Setup.CORRECT, false);
        assertPageAsExpected(v, "correct");
        for (String server : SERVERS) {
            for (String call : HOLE_FOR_OTHER_SITES) {
                assertBlocked(v, server, call);
                assertTrue(v.corsErrors.get(v.row(server, call).url).contains("Access-Control-Allow-Credentials"),
                    "blocked for lack of credentials: " + v.corsErrors.get(v.row(server, call).url));
            }
        }
        // the README image: the page in correct mode from both origins, one above the other
        Path png = ChildJvm.IT_DIR.resolve("browser-correct-mode.png");
        Files.write(png, png(stack(visit(Setup.CORRECT, true).png, v.png)));
        assertTrue(Files.size(png) > 10_000, png.toString());
    }

    /** Loads the page from one origin of one setup's demo, once per class; the app's own origin first (it logs in). */
    static synchronized Visit visit(Setup setup, boolean own) {
        if (!own) {
            visit(setup, true);
        }
        String key = setup + (own ? " own" : " other");
        Visit done = VISITS.get(key);
        if (done != null) {
            return done;
        }
        Demo demo = DEMOS.get(setup);
        driver.manage().logs().get(LogType.BROWSER); // drop what earlier pages logged
        driver.get(demo.origin(own) + "/");
        Object json = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
            + " window.corsguardDone.then(r => done(JSON.stringify(r)), e => done('page failed: ' + e));");
        assertTrue(json instanceof String && ((String) json).startsWith("{"), "page result: " + json);
        Map<String, Object> result = Json.object((String) json);
        List<Row> rows = new ArrayList<>();
        for (Object o : (List<?>) result.get("rows")) {
            Map<?, ?> r = (Map<?, ?>) o;
            rows.add(new Row((String) r.get("server"), (String) r.get("endpoint"), (String) r.get("kind"), (String) r.get("url"),
                (String) r.get("expected"), (String) r.get("outcome"), ((Double) r.get("status")).intValue(),
                Boolean.TRUE.equals(r.get("session"))));
        }
        // the console reaches chromedriver on its own path: wait (up to 5 s) until every blocked fetch's error is in
        Set<String> blocked = rows.stream().filter(r -> r.outcome.equals("blocked")).map(Row::url).collect(Collectors.toSet());
        Map<String, String> corsErrors = new LinkedHashMap<>();
        for (long end = System.nanoTime() + 5_000_000_000L; ; ChildJvm.sleep(50)) {
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER).getAll()) {
                Matcher m = CORS_ERROR.matcher(e.getMessage());
                if (m.find()) {
                    assertEquals(demo.origin(own), m.group(2), e.getMessage());
                    corsErrors.merge(m.group(1), m.group(3), (a, b) -> a + " / " + b);
                }
            }
            if (corsErrors.keySet().containsAll(blocked) || System.nanoTime() > end) {
                break;
            }
        }
        // the whole table in one screenshot: the window taller than the page, the image cut at its end
        JavascriptExecutor js = driver;
        Number height = (Number) js.executeScript("return document.documentElement.scrollHeight;");
        driver.manage().window().setSize(new Dimension(1280, height.intValue() + 200));
        Number bottom = (Number) js.executeScript("return Math.ceil((document.body.getBoundingClientRect().bottom + 16)"
            + " * window.devicePixelRatio);");
        Number right = (Number) js.executeScript("return Math.ceil((Math.max(...Array.from(document.body.children,"
            + " e => e.getBoundingClientRect().right)) + 18) * window.devicePixelRatio);");
        byte[] png;
        try {
            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
            BufferedImage page = shot.getSubimage(0, 0, Math.min(shot.getWidth(), right.intValue()),
                Math.min(shot.getHeight(), bottom.intValue()));
            png = png(page);
            Files.write(ChildJvm.IT_DIR.resolve("browser-" + setup.name().toLowerCase().replace('_', '-') + "-"
                + (own ? "own-origin" : "other-site") + ".png"), png);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Visit v = new Visit(demo, own, (String) result.get("mode"), rows, corsErrors, png);
        VISITS.put(key, v);
        return v;
    }

    /**
     * The page's whole table as it expects for this mode and origin, and the console agreeing with
     * the page: a CORS error for every blocked fetch, none for a readable one.
     */
    static void assertPageAsExpected(Visit v, String mode) {
        assertEquals(mode, v.mode, "mode the page read from the demo JVM, " + v.where());
        assertEquals(DemoEndpoints.names().size() * 2 * SERVERS.size(), v.rows.size(), v.where());
        List<String> unexpected = new ArrayList<>();
        for (Row r : v.rows) {
            if (!r.outcome.equals(r.expected)) {
                unexpected.add(r.server + " " + r.call() + ": " + r.outcome + ", expected " + r.expected);
            }
            if (r.outcome.equals("blocked") != v.corsErrors.containsKey(r.url)) {
                unexpected.add(r.server + " " + r.call() + ": " + r.outcome + " but console CORS error: " + v.corsErrors.get(r.url));
            }
        }
        assertTrue(unexpected.isEmpty(), v.where() + ":\n" + String.join("\n", unexpected));
    }

    static void assertBlocked(Visit v, String server, String call) {
        Row r = v.row(server, call);
        assertEquals("blocked", r.outcome, v.where() + " " + server + " " + call);
        assertNotNull(v.corsErrors.get(r.url), "console CORS error for " + r.url + ": " + v.corsErrors.keySet());
    }

    static void assertReadableWithCookie(Visit v, String server, String call) {
        Row r = v.row(server, call);
        assertEquals("readable", r.outcome, v.where() + " " + server + " " + call + ": " + v.corsErrors.get(r.url));
        assertEquals(200, r.status, v.where() + " " + server + " " + call);
        assertTrue(r.session, "the session cookie went along: " + v.where() + " " + server + " " + call);
    }

    /** {@code server /api/name CGnnn} of every JSON report line so far, each checked for monitor mode and a page origin. */
    static Set<String> reported(Demo demo) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : new ArrayList<>(demo.jvm.stderr())) {
            if (line.startsWith("{")) {
                Map<String, Object> o = Json.object(line);
                assertEquals("monitor", o.get("mode"), line);
                assertTrue(o.get("origin").equals(demo.origin(true)) || o.get("origin").equals(demo.origin(false)),
                    "only the page's origins: " + line);
                assertEquals(null, o.get("corrected"), "monitor mode changes nothing: " + line);
                out.add(o.get("server") + " " + o.get("path") + " " + o.get("rule"));
            }
        }
        return out;
    }

    private static String pathOf(String url) {
        return url.replaceFirst("^http://[^/]+", "");
    }

    /** Two screenshots one above the other, with a gap. */
    static BufferedImage stack(byte[] top, byte[] bottom) throws IOException {
        BufferedImage a = ImageIO.read(new ByteArrayInputStream(top));
        BufferedImage b = ImageIO.read(new ByteArrayInputStream(bottom));
        int gap = 12;
        BufferedImage out = new BufferedImage(Math.max(a.getWidth(), b.getWidth()), a.getHeight() + gap + b.getHeight(),
            BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.DARK_GRAY);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(a, 0, 0, null);
        g.drawImage(b, 0, a.getHeight() + gap, null);
        g.dispose();
        return out;
    }

    /** PNG at the writer's strongest compression: the README image stays small. */
    static byte[] png(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.0f);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * A free port below Linux's ephemeral range (32768-60999): the page port is chosen here but
     * bound later by the demo JVM, and a port from the ephemeral range could meanwhile go to any
     * server started on port 0 (the three demos' own Tomcat and Netty among them).
     */
    private static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }
}
