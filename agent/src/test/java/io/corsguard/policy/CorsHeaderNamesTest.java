package io.corsguard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corsguard.bootstrap.CorsGuardBridge;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Header names are case-insensitive (RFC 9110 §5.1): the policy's classification by length and
 * the bridge's fast pre-check must give the same answer in every spelling.
 */
class CorsHeaderNamesTest {
    private static final String[] NAMES = {Policy.ACAO, Policy.ACAC, Policy.ACAM, Policy.ACAH, Policy.ACEH, Policy.VARY, Policy.ACAPN};

    private static String mixed(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(i % 2 == 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return b.toString();
    }

    @Test
    void everyCorsHeaderInEverySpelling() {
        for (int i = 0; i < NAMES.length; i++) {
            String n = NAMES[i];
            for (String spelling : new String[] {n, n.toLowerCase(Locale.ROOT), n.toUpperCase(Locale.ROOT), mixed(n), mixed(n.toLowerCase(Locale.ROOT)).toLowerCase(Locale.ROOT)}) {
                assertEquals(i + 1, Policy.corsHeader(spelling), spelling);
                assertEquals(true, CorsGuardBridge.isCorsHeader(spelling), spelling);
            }
        }
    }

    @Test
    void otherNamesAreNot() {
        String[] others = {"Content-Type", "Origin", "Access-Control-Request-Method", "Access-Control-Allow-Originx",
            "Access-Control-Allow-Methodz", "Varx", "Access-Control-Max-Age", "Accept-Encoding", "", "x-access-control-allow-origin"};
        int[] expected = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        boolean[] bridge = {false, false, true, true, true, false, true, false, false, false};
        for (int i = 0; i < others.length; i++) {
            assertEquals(expected[i], Policy.corsHeader(others[i]), others[i]);
            assertEquals(bridge[i], CorsGuardBridge.isCorsHeader(others[i]), others[i]);
        }
        assertEquals(false, CorsGuardBridge.isCorsHeader(null));
        assertEquals(true, CorsGuardBridge.isCorsHeader("aCCESS-cONTROL-x"), "any access-control-* name is seen by the bridge");
    }
}
