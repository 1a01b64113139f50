package io.corsguard.bootstrap;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class AdviceSupportTest {

    @Test
    void repeated_header_lines_are_joined_with_comma_space() {
        assertNull(AdviceSupport.join(List.of()));
        assertNull(AdviceSupport.join(null));
        assertEquals("https://a", AdviceSupport.join(List.of("https://a")));
        assertEquals("https://a, https://b", AdviceSupport.join(List.of("https://a", "https://b")));
    }

    @Test
    void lines_appended_one_by_one_join_like_join() {
        String first = "https://a.example";
        assertSame(first, AdviceSupport.appendValue(null, first));
        String joined = AdviceSupport.appendValue(AdviceSupport.appendValue(null, first), new StringBuilder("null"));
        assertEquals(AdviceSupport.join(List.of(first, "null")), joined);
        assertEquals("https://a.example, ", AdviceSupport.appendValue(first, null));
    }

    @Test
    void a_request_is_captured_in_one_walk_over_its_lines() {
        List<java.util.Map.Entry<String, String>> lines = List.of(
            java.util.Map.entry("Host", "h"), java.util.Map.entry("ORIGIN", "https://a.example"),
            java.util.Map.entry("origin", "null"), java.util.Map.entry("Access-Control-Request-Method", "PUT"),
            java.util.Map.entry("access-control-request-headers", "x-a"),
            java.util.Map.entry("Access-Control-Request-Headers", "x-b"), java.util.Map.entry("Origins", "x"));
        CapturedRequest r = AdviceSupport.captureRequest(lines.iterator(), "OPTIONS", "/p");
        assertEquals("https://a.example, null", r.origin);
        assertEquals("PUT", r.requestMethod);
        assertEquals("x-a, x-b", r.requestHeaders);
        assertEquals("OPTIONS", r.method);
        assertEquals("/p", r.path);
        assertFalse(r.credentialsHint);
        assertTrue(AdviceSupport.captureRequest(List.of(java.util.Map.entry("Origin", "o"),
            java.util.Map.entry("Cookie", "s=1")).iterator(), "GET", "/").credentialsHint);
        assertTrue(AdviceSupport.captureRequest(List.of(java.util.Map.entry("Origin", "o"),
            java.util.Map.entry("authorization", "Bearer t")).iterator(), "GET", "/").credentialsHint);
        assertFalse(AdviceSupport.captureRequest(List.of(java.util.Map.entry("Origin", "o"),
            java.util.Map.entry("Cookies", "s=1"), java.util.Map.entry("Authorisation", "x")).iterator(), "GET", "/").credentialsHint);
    }

    @Test
    void the_path_drops_query_and_fragment() {
        String plain = "/a/b";
        assertSame(plain, AdviceSupport.pathOf(plain));
        assertEquals("/a/b", AdviceSupport.pathOf("/a/b?x=1#f"));
        assertEquals("/a", AdviceSupport.pathOf("/a#f?x"));
        assertEquals("*", AdviceSupport.pathOf("*"));
        assertNull(AdviceSupport.pathOf(null));
    }

    @Test
    void an_absolute_form_target_yields_its_path() {
        assertEquals("/p", AdviceSupport.pathOf("http://host:8080/p?q=1"));
        assertEquals("/", AdviceSupport.pathOf("http://host"));
        assertEquals("/", AdviceSupport.pathOf("http://host?q=/x"));
    }

    @Test
    void the_pre_filter_lets_every_CORS_name_through() {
        for (String name : new String[] {"Vary", "vary", "Access-Control-Allow-Origin", "access-control-max-age"}) {
            assertTrue(AdviceSupport.mayBeCorsHeader(name), name);
        }
        for (String name : new String[] {"Date", "Content-Length", "Allow", "X"}) {
            assertFalse(AdviceSupport.mayBeCorsHeader(name), name);
        }
    }

    @Test
    void lines_grow_past_the_initial_array() {
        String[] lines = null;
        for (int i = 0; i < 20; i++) {
            lines = AdviceSupport.addLine(lines, i, "n" + i, "v" + i);
        }
        assertEquals("n19", lines[38]);
        assertEquals("v0", lines[1]);
        assertArrayEquals(new String[] {"n7", "v7"}, new String[] {lines[14], lines[15]});
    }

    @Test
    void values_with_CR_or_LF_are_unsafe() {
        assertTrue(AdviceSupport.isSafeValue("Origin, Accept"));
        assertFalse(AdviceSupport.isSafeValue("a\r\nX: 1"));
        assertFalse(AdviceSupport.isSafeValue("a\nb"));
    }
}
