package io.corsguard.report;

import io.corsguard.policy.Decision;
import io.corsguard.policy.HeaderLines;
import io.corsguard.policy.RequestFacts;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextFormatTest {

    @Test
    void monitorLineReadsAsDocumented() {
        try (Fixture f = Fixture.text()) {
            f.cg003("https://evil.example", "/api/reflect");
            assertEquals(List.of("CORSGUARD CG003 untrusted-origin-with-credentials [security] mode=monitor"
                + " action=strip-credentials server=servlet GET /api/reflect origin=\"https://evil.example\""
                + " headers=[Access-Control-Allow-Origin: https://evil.example | Access-Control-Allow-Credentials: true]"),
                f.lines());
        }
    }

    @Test
    void correctLineAddsCorrected() {
        try (Fixture f = Fixture.text()) {
            HeaderLines written = Fixture.reflected("https://evil.example");
            Decision d = Fixture.stripDecision();
            f.reporter.violations("correct", "servlet", Fixture.get("https://evil.example", "/a"), written,
                written.apply(d.patch()), d);
            assertTrue(f.lines().get(0).endsWith(" mode=correct action=strip-credentials server=servlet GET /a"
                + " origin=\"https://evil.example\" headers=[Access-Control-Allow-Origin: https://evil.example"
                + " | Access-Control-Allow-Credentials: true] corrected=[Access-Control-Allow-Origin: https://evil.example]"),
                f.lines().get(0));
        }
    }

    @Test
    void crLfControlsAndNonAsciiBecomeVisibleEscapes() {
        String origin = "https://e.example\r\nCORSGUARD CG999 fake\u0000\u001b[31m\"\\\u00e9\u2028\ud83d\ude00";
        try (Fixture f = Fixture.text()) {
            f.reporter.violations("monitor", "servlet", new RequestFacts(origin, "GET", "/a\nb", null, null, true),
                Fixture.reflected(origin), null, Fixture.stripDecision());
            String raw = f.raw();
            JsonFormatTest.assertOneCleanLine(raw);
            assertTrue(raw.contains("origin=\"https://e.example\\r\\nCORSGUARD CG999 fake\\x00\\x1b[31m\\\"\\\\\\xe9\\u2028\\ud83d\\ude00\""), raw);
            assertTrue(raw.contains(" GET /a\\nb "), raw);
        }
    }

    @Test
    void an8kOriginIsCut() {
        String origin = "https://" + "x".repeat(8192);
        try (Fixture f = Fixture.text()) {
            f.cg003(origin, "/");
            String line = f.lines().get(0);
            assertTrue(line.length() < 3 * LineFormat.MAX_VALUE + 500, "length " + line.length());
            assertTrue(line.contains("...(+" + (origin.length() - LineFormat.MAX_VALUE) + " chars)\""), line);
        }
    }

    @Test
    void missingRequestValuesShowAsDash() {
        try (Fixture f = Fixture.text()) {
            f.reporter.violations("monitor", "servlet", new RequestFacts("https://a.example", null, null, null, null, false),
                HeaderLines.of(200), null, Fixture.stripDecision());
            assertTrue(f.lines().get(0).contains(" server=servlet - - origin=\"https://a.example\" headers=[]"),
                f.lines().get(0));
        }
    }
}
