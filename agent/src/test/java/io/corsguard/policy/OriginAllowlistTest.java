package io.corsguard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OriginAllowlistTest {

    static OriginAllowlist allow(String... entries) {
        try {
            return OriginAllowlist.parse(Arrays.asList(entries));
        } catch (InvalidOriginException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static final OriginAllowlist TRUSTED = allow("https://trusted.com");

    @ParameterizedTest(name = "https://trusted.com does not trust [{0}]")
    @ValueSource(strings = {
            "https://trusted.com.evil.com",
            "https://eviltrusted.com",
            "https://trustedXcom",
            "https://trusted.com.",
            "https://.trusted.com",
            "https://x.trusted.com",
            "null",
            "http://trusted.com",
            "https://trusted.com:8443",
            "https://trusted.com:444",
            "https://trusted.com/",
            "https://trusted.com/path",
            "https://trusted.com?q",
            "https://trusted.com#f",
            "https://trusted.com@evil.com",
            "https://user@trusted.com",
            "https://evil.com#@trusted.com",
            "https://trusted.com\r\nSet-Cookie: a=b",
            "https://trusted.com\n",
            "https://trusted.com\u0000",
            "https://trusted.com\u0000.evil.com",
            "https://tr\u00fcsted.com",
            "https://trusted.com\u3002",
            "",
            "   ",
            "https://trusted.com, https://evil.com",
            "https://evil.com, https://trusted.com",
            "https://trusted.com https://trusted.com",
            "https://trusted.com:",
            "https://trusted.com:0443",
            "https://trusted.com:65979",
            "https://trusted.com:443x",
            "https://trusted.com:-443",
            "https://trusted.com\\",
            "https://trusted_com",
            "https:/trusted.com",
            "https//trusted.com",
            "//trusted.com",
            "trusted.com",
            "wss://trusted.com",
            "ftp://trusted.com",
            "https://trusted.com..",
            "https://trusted..com",
            "https://",
    })
    void bypassOriginsAreNotTrusted(String origin) {
        assertFalse(TRUSTED.trusts(origin));
    }

    @ParameterizedTest(name = "https://trusted.com trusts [{0}]")
    @ValueSource(strings = {
            "https://trusted.com",
            "https://TRUSTED.COM",
            "HTTPS://Trusted.Com",
            "https://trusted.com:443",
            " https://trusted.com\t",
            "\thttps://trusted.com  ",
    })
    void variantsOfTheTrustedOriginAreTrusted(String origin) {
        assertTrue(TRUSTED.trusts(origin));
    }

    @Test
    void anOriginLongerThan1024CharactersIsUntrustedEvenIfItWouldMatch() {
        String host = "a".repeat(60);
        StringBuilder longHost = new StringBuilder();
        while (longHost.length() < 1100) {
            longHost.append(host).append('.');
        }
        longHost.append("com");
        String longOrigin = "https://" + longHost;
        OriginAllowlist list = allow("https://" + longHost);
        assertTrue(longOrigin.length() > 1024);
        assertFalse(list.trusts(longOrigin));
        String shortOrigin = "https://" + longHost.substring(longHost.length() - 1000);
        assertTrue(allow(shortOrigin).trusts(shortOrigin));
    }

    @Test
    void an8KbStringIsUntrusted() {
        assertFalse(TRUSTED.trusts("https://trusted.com" + "a".repeat(8192)));
        assertFalse(TRUSTED.trusts("a".repeat(8192)));
        assertFalse(TRUSTED.trusts(" ".repeat(8192)));
    }

    @Test
    void nullRequestOriginIsUntrusted() {
        assertFalse(TRUSTED.trusts(null));
        assertFalse(allow("https://trusted.com", "https://*.trusted.com").trusts("null"));
    }

    @Test
    void theDefaultPortIsTheSameOrigin() {
        OriginAllowlist list = allow("https://trusted.com:443", "http://plain.com:80");
        assertTrue(list.trusts("https://trusted.com"));
        assertTrue(list.trusts("https://trusted.com:443"));
        assertTrue(list.trusts("http://plain.com"));
        assertFalse(list.trusts("https://plain.com"));
        assertFalse(list.trusts("http://trusted.com"));
        assertFalse(list.trusts("http://trusted.com:443"));
        assertEquals("https://trusted.com", list.entries().get(0).toString());
        assertEquals(-1, list.entries().get(0).port());
    }

    @Test
    void anExplicitPortMustMatch() {
        OriginAllowlist list = allow("http://localhost:3000");
        assertTrue(list.trusts("http://localhost:3000"));
        assertFalse(list.trusts("http://localhost"));
        assertFalse(list.trusts("http://localhost:30000"));
        assertFalse(list.trusts("http://localhost:300"));
        assertFalse(list.trusts("https://localhost:3000"));
    }

    private static final OriginAllowlist PATTERN = allow("https://*.example.com");

    @ParameterizedTest(name = "https://*.example.com trusts [{0}]: {1}")
    @CsvSource({
            "https://a.example.com, true",
            "https://a.b.example.com, true",
            "https://A.EXAMPLE.COM, true",
            "https://a.example.com:443, true",
            "https://a-b.example.com, true",
            "https://example.com, false",
            "https://aexample.com, false",
            "https://a.aexample.com, false",
            "https://.example.com, false",
            "https://a..example.com, false",
            "http://a.example.com, false",
            "https://a.example.com:8443, false",
            "https://a.example.com.evil.com, false",
            "https://a.example.comx, false",
            "https://a.example.co, false",
            "https://a.example.com/, false",
            "https://evil.com#.example.com, false",
            "https://evil.com?.example.com, false",
            "https://evil.com/.example.com, false",
            "https://evil.com@a.example.com, false",
            "https://a.example.com@evil.com, false",
    })
    void subdomainPatternsMatchAtALabelBoundary(String origin, boolean trusted) {
        assertEquals(trusted, PATTERN.trusts(origin));
    }

    @Test
    void aPatternWithAPortMatchesOnlyThatPort() {
        OriginAllowlist list = allow("https://*.example.com:8443");
        assertTrue(list.trusts("https://a.example.com:8443"));
        assertFalse(list.trusts("https://a.example.com"));
        assertFalse(list.trusts("https://example.com:8443"));
    }

    @Test
    void aPatternDoesNotTrustItsOwnApexButAnExactEntryCan() {
        OriginAllowlist list = allow("https://*.example.com", "https://example.com");
        assertTrue(list.trusts("https://example.com"));
        assertTrue(list.trusts("https://x.example.com"));
    }

    @Test
    void anIdnEntryTrustsItsPunycodeForm() {
        OriginAllowlist list = allow("https://b\u00fccher.example");
        assertEquals("xn--bcher-kva.example", list.entries().get(0).host());
        assertTrue(list.trusts("https://xn--bcher-kva.example"));
        assertTrue(list.trusts("https://XN--BCHER-KVA.example"));
        assertFalse(list.trusts("https://b\u00fccher.example"));
        OriginAllowlist pattern = allow("https://*.b\u00fccher.example");
        assertTrue(pattern.trusts("https://shop.xn--bcher-kva.example"));
    }

    @Test
    void ipv6EntriesMatchBracketedHosts() {
        OriginAllowlist list = allow("http://[::1]:8080", "https://[2001:DB8::1]");
        assertTrue(list.trusts("http://[::1]:8080"));
        assertFalse(list.trusts("http://[::1]"));
        assertFalse(list.trusts("http://[::1]:8080/"));
        assertTrue(list.trusts("https://[2001:db8::1]"));
        assertFalse(list.trusts("https://[2001:db8::1"));
        assertFalse(list.trusts("https://2001:db8::1"));
    }

    @Test
    void entriesAreNormalisedAndKeepTheirOrder() {
        OriginAllowlist list = allow("  HTTPS://App.Example.COM:443 ", "https://*.Example.org:8443", "http://localhost:3000");
        List<String> normalised = list.entries().stream().map(Object::toString).collect(Collectors.toList());
        assertEquals(List.of("https://app.example.com", "https://*.example.org:8443", "http://localhost:3000"), normalised);
        OriginAllowlist.Entry pattern = list.entries().get(1);
        assertTrue(pattern.pattern());
        assertEquals("example.org", pattern.host());
        assertEquals("https", pattern.scheme());
        assertEquals(8443, pattern.port());
        assertEquals("https://*.Example.org:8443", pattern.original());
        assertFalse(list.entries().get(0).pattern());
        assertTrue(list.trusts("https://app.example.com"));
    }

    @ParameterizedTest(name = "[{0}] is rejected with a message naming {1}")
    @CsvSource(delimiter = '|', value = {
            "https://trusted.com/|a path",
            "https://trusted.com/app|a path",
            "https://trusted.com?x=1|a query",
            "https://trusted.com#x|a fragment",
            "https://user@trusted.com|userinfo",
            "https://*|'*' other than",
            "*|no scheme",
            "https://a.*.example.com|'*' other than",
            "https://*example.com|'*' other than",
            "https://**.example.com|'*' other than",
            "https://*.*.example.com|'*' other than",
            "https://example.*|'*' other than",
            "https://*.|the host",
            "https://trusted.com:0443|the port",
            "https://trusted.com:65536|the port",
            "https://trusted.com:8o|the port",
            "https://trusted.com:|the port",
            "https://|the host",
            "https://a..com|the host",
            "https://trusted.com.|the host",
            "https://tru sted.com|whitespace",
            "ftp://trusted.com|the scheme 'ftp'",
            "trusted.com|no scheme",
            "https://trusted_com|the host",
    })
    void invalidEntriesAreErrors(String entry, String expected) {
        InvalidOriginException e = assertThrows(InvalidOriginException.class,
                () -> OriginAllowlist.parse(List.of(entry)));
        assertTrue(e.getMessage().startsWith("expected a serialized origin scheme://host[:port] or https://*.domain; found "),
                e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(entry, e.entry());
    }

    @Test
    void anEmptyEntryIsAnError() {
        assertThrows(InvalidOriginException.class, () -> OriginAllowlist.parse(List.of("  ")));
    }

    @Test
    void anEmptyAllowlistTrustsNothing() {
        assertFalse(allow().trusts("https://trusted.com"));
        assertFalse(OriginAllowlist.empty().trusts("https://trusted.com"));
    }

    @Test
    void manyEntriesAreAllFound() {
        String[] entries = new String[500];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = i % 2 == 0 ? "https://host" + i + ".example.com" : "https://*.sub" + i + ".example.net:" + (1000 + i);
        }
        OriginAllowlist list = allow(entries);
        for (int i = 0; i < entries.length; i++) {
            if (i % 2 == 0) {
                assertTrue(list.trusts("https://host" + i + ".example.com"), entries[i]);
                assertFalse(list.trusts("https://x.host" + i + ".example.com"), entries[i]);
            } else {
                assertTrue(list.trusts("https://a.sub" + i + ".example.net:" + (1000 + i)), entries[i]);
                assertFalse(list.trusts("https://a.sub" + i + ".example.net:" + (1001 + i)), entries[i]);
                assertFalse(list.trusts("https://sub" + i + ".example.net:" + (1000 + i)), entries[i]);
            }
        }
    }

    @Test
    @DisplayName("the list is immutable")
    void entriesAreUnmodifiable() {
        assertThrows(UnsupportedOperationException.class, () -> TRUSTED.entries().clear());
    }
}
