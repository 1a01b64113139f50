package io.corsguard.report;

import io.corsguard.policy.Action;
import io.corsguard.policy.Decision;
import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.HeaderPatch;
import io.corsguard.policy.RequestFacts;
import io.corsguard.policy.Rule;
import io.corsguard.policy.Severity;
import io.corsguard.policy.Violation;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonFormatTest {
    private static final List<String> CONTRACT = List.of("ts", "rule", "name", "severity", "mode", "action",
        "server", "method", "path", "origin", "headers", "corrected", "count");

    static void assertOneCleanLine(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean endOfLine = c == '\n' && i == raw.length() - 1;
            assertTrue(endOfLine || (c >= 0x20 && c < 0x7f),
                "raw char " + (int) c + " at " + i + " in " + raw);
        }
    }

    @Test
    void monitorLineHasExactlyTheContractFieldsWithCorrectedNull() {
        try (Fixture f = Fixture.json()) {
            f.cg003("https://evil.example", "/api/reflect");
            List<String> lines = f.lines();
            assertEquals(1, lines.size());
            Map<String, Object> o = Json.object(lines.get(0));
            assertEquals(CONTRACT, new ArrayList<>(o.keySet()));
            assertEquals(Instant.ofEpochMilli(Fixture.T0), Instant.parse((String) o.get("ts")));
            assertEquals("CG003", o.get("rule"));
            assertEquals("untrusted-origin-with-credentials", o.get("name"));
            assertEquals("security", o.get("severity"));
            assertEquals("monitor", o.get("mode"));
            assertEquals("strip-credentials", o.get("action"));
            assertEquals("servlet", o.get("server"));
            assertEquals("GET", o.get("method"));
            assertEquals("/api/reflect", o.get("path"));
            assertEquals("https://evil.example", o.get("origin"));
            assertEquals(List.of("Access-Control-Allow-Origin: https://evil.example",
                "Access-Control-Allow-Credentials: true"), o.get("headers"));
            assertTrue(o.containsKey("corrected"));
            assertNull(o.get("corrected"));
            assertEquals(1L, o.get("count"));
        }
    }

    @Test
    void correctLineCarriesTheHeadersAsSent() {
        try (Fixture f = Fixture.json()) {
            HeaderLines written = Fixture.reflected("https://evil.example");
            Decision d = Fixture.stripDecision();
            f.reporter.violations("correct", "netty", Fixture.get("https://evil.example", "/x"), written,
                written.apply(d.patch()), d);
            Map<String, Object> o = Json.object(f.lines().get(0));
            assertEquals("correct", o.get("mode"));
            assertEquals("netty", o.get("server"));
            assertEquals(List.of("Access-Control-Allow-Origin: https://evil.example"), o.get("corrected"));
        }
    }

    @Test
    void severityComesFromTheViolationNotTheRule() {
        try (Fixture f = Fixture.json()) {
            Decision d = new Decision(List.of(new Violation(Rule.CG001, Severity.HYGIENE, Action.REPORTED)),
                HeaderPatch.empty());
            f.reporter.violations("monitor", "servlet", Fixture.get("https://a.example", "/"),
                HeaderLines.of(200, "Access-Control-Allow-Credentials", "false"), null, d);
            Map<String, Object> o = Json.object(f.lines().get(0));
            assertEquals("hygiene", o.get("severity"));
            assertEquals("reported", o.get("action"));
        }
    }

    @Test
    void oneLinePerViolation() {
        try (Fixture f = Fixture.json()) {
            Decision d = new Decision(List.of(new Violation(Rule.CG003, Action.STRIP_CREDENTIALS),
                new Violation(Rule.CG007, Action.ADD_VARY)), HeaderPatch.empty());
            f.reporter.violations("monitor", "servlet", Fixture.get("https://a.example", "/"),
                Fixture.reflected("https://a.example"), null, d);
            List<String> lines = f.lines();
            assertEquals(2, lines.size());
            assertEquals("CG003", Json.object(lines.get(0)).get("rule"));
            assertEquals("CG007", Json.object(lines.get(1)).get("rule"));
        }
    }

    @Test
    void hostileValuesAreEscapedIntoOnePureAsciiLine() {
        String origin = "https://evil.example\r\nCORSGUARD fake\u0000\"quoted\"\\back\u00e9\u2028\u2029\ud83d\ude00\u007f\t";
        String path = "/p\nq\u0001";
        try (Fixture f = Fixture.json()) {
            f.reporter.violations("monitor", "servlet", new RequestFacts(origin, "G\rET", path, null, null, true),
                Fixture.reflected(origin), null, Fixture.stripDecision());
            String raw = f.raw();
            assertOneCleanLine(raw);
            assertTrue(raw.contains("\\u2028") && raw.contains("\\u2029") && raw.contains("\\u0000"), raw);
            Map<String, Object> o = Json.object(raw.substring(0, raw.length() - 1));
            assertEquals(origin, o.get("origin"));
            assertEquals(path, o.get("path"));
            assertEquals("G\rET", o.get("method"));
            assertEquals("Access-Control-Allow-Origin: " + origin, ((List<?>) o.get("headers")).get(0));
        }
    }

    @Test
    void an8kOriginIsCutWithAMarker() {
        String origin = "https://" + "a".repeat(8192) + ".example";
        try (Fixture f = Fixture.json()) {
            f.cg003(origin, "/");
            String raw = f.raw();
            assertOneCleanLine(raw);
            assertTrue(raw.length() < 3 * LineFormat.MAX_VALUE + 1000, "line length " + raw.length());
            Map<String, Object> o = Json.object(f.lines().get(0));
            String logged = (String) o.get("origin");
            assertTrue(logged.startsWith("https://aaaa"));
            assertTrue(logged.endsWith("...(+" + (origin.length() - LineFormat.MAX_VALUE) + " chars)"), logged);
        }
    }

    @Test
    void escapesCountTowardsTheLimit() {
        String origin = "\u0001".repeat(5000);
        try (Fixture f = Fixture.json()) {
            f.cg003(origin, "/");
            assertTrue(f.raw().length() < 3 * LineFormat.MAX_VALUE + 1000, "line length " + f.raw().length());
            Json.object(f.lines().get(0));
        }
    }

    @Test
    void manyHeaderLinesAreCutWithAMarker() {
        String[] pairs = new String[2 * 400];
        for (int i = 0; i < 400; i++) {
            pairs[2 * i] = "Vary";
            pairs[2 * i + 1] = "X-Header-" + i;
        }
        try (Fixture f = Fixture.json()) {
            f.reporter.violations("monitor", "servlet", Fixture.get("https://a.example", "/"),
                HeaderLines.of(200, pairs), null, Fixture.decision(Rule.CG007, Action.ADD_VARY));
            List<?> headers = (List<?>) Json.object(f.lines().get(0)).get("headers");
            String last = (String) headers.get(headers.size() - 1);
            assertTrue(last.matches("\\.\\.\\.\\(\\+\\d+ more lines\\)"), last);
            assertTrue(headers.size() < 400);
            assertFalse(f.raw().length() > LineFormat.MAX_LIST + 2000);
        }
    }

    @Test
    void timestampsAreIsoUtcWithMilliseconds() {
        long[] samples = {0L, 1L, 999L, 951_782_400_000L /* 2000-02-29 */, 4_102_444_799_999L,
            Fixture.T0, 1_709_164_800_123L};
        for (long ms : samples) {
            StringBuilder sb = new StringBuilder();
            Timestamps.appendIso(sb, ms);
            assertEquals(24, sb.length(), sb.toString());
            assertEquals(Instant.ofEpochMilli(ms), Instant.parse(sb));
        }
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++) {
            long ms = (long) (r.nextDouble() * 5_000_000_000_000L);
            StringBuilder sb = new StringBuilder();
            Timestamps.appendIso(sb, ms);
            assertEquals(Instant.ofEpochMilli(ms), Instant.parse(sb));
        }
    }
}
