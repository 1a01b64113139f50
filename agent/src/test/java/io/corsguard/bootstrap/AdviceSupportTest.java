package io.corsguard.bootstrap;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
    void cors_lines_are_every_access_control_and_vary_line_in_order_whatever_the_case() {
        List<Map.Entry<CharSequence, CharSequence>> headers = new ArrayList<>();
        headers.add(new SimpleEntry<>("content-type", "application/json"));
        headers.add(new SimpleEntry<>(":status", "200"));
        headers.add(new SimpleEntry<>("Access-Control-Allow-Origin", new StringBuilder("https://a.example")));
        headers.add(new SimpleEntry<>("vary", "Origin"));
        headers.add(new SimpleEntry<>("Access-Control-Allow-Credentials", null));
        headers.add(new SimpleEntry<>("ACCESS-CONTROL-MAX-AGE", "600"));
        headers.add(new SimpleEntry<>("Access-Controlled", "x"));
        headers.add(new SimpleEntry<>("Varying", "x"));
        String[] lines = AdviceSupport.corsLines(headers.iterator());
        assertEquals(4, AdviceSupport.lineCount(lines));
        assertArrayEquals(new String[] {"Access-Control-Allow-Origin", "https://a.example", "vary", "Origin",
            "Access-Control-Allow-Credentials", null, "ACCESS-CONTROL-MAX-AGE", "600"}, lines);
    }

    @Test
    void cors_lines_of_a_response_without_any_are_the_shared_empty_array() {
        List<Map.Entry<CharSequence, CharSequence>> headers = new ArrayList<>();
        headers.add(new SimpleEntry<>("Content-Length", "2"));
        headers.add(new SimpleEntry<>("Vary", "Accept-Encoding"));
        String[] lines = AdviceSupport.corsLines(headers.iterator());
        assertEquals(1, AdviceSupport.lineCount(lines));
        assertSame(AdviceSupport.NO_LINES, AdviceSupport.corsLines(headers.subList(0, 1).iterator()));
        assertEquals(0, AdviceSupport.lineCount(AdviceSupport.NO_LINES));
    }

    @Test
    void cors_lines_count_stops_at_the_first_unused_slot_and_grows_past_four() {
        List<Map.Entry<CharSequence, CharSequence>> headers = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            headers.add(new SimpleEntry<>("Access-Control-Expose-Headers", "X-" + i));
        }
        String[] lines = AdviceSupport.corsLines(headers.iterator());
        assertEquals(9, AdviceSupport.lineCount(lines));
        assertEquals("X-8", lines[17]);
        assertEquals(3, AdviceSupport.lineCount(AdviceSupport.corsLines(headers.subList(0, 3).iterator())));
    }

    @Test
    void values_with_CR_or_LF_are_unsafe() {
        assertTrue(AdviceSupport.isSafeValue("Origin, Accept"));
        assertFalse(AdviceSupport.isSafeValue("a\r\nX: 1"));
        assertFalse(AdviceSupport.isSafeValue("a\nb"));
    }
}
