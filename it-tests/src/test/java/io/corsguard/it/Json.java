package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A strict little JSON reader for report lines: a line that is not valid JSON fails the test. */
final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        Json j = new Json(text);
        Object v = j.value();
        j.ws();
        if (j.i != text.length()) {
            throw new AssertionError("trailing characters in JSON: " + text);
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String line) {
        Object v = parse(line);
        assertTrue(v instanceof Map, "a report line is a JSON object: " + line);
        return (Map<String, Object>) v;
    }

    /** The DESIGN.md §3 fields, and that the request-derived ones are what was sent. */
    static void assertReportLine(String line, String mode, String server, String method, String path, String origin) {
        Map<String, Object> o = object(line);
        for (String field : List.of("ts", "rule", "name", "severity", "mode", "action", "server", "method", "path", "origin", "headers", "count")) {
            assertTrue(o.containsKey(field), "field " + field + " in " + line);
        }
        assertEquals(mode, o.get("mode"), line);
        assertEquals(server, o.get("server"), line);
        assertEquals(method, o.get("method"), line);
        assertEquals(path, o.get("path"), line);
        assertEquals(origin, o.get("origin"), line);
        assertTrue(List.of("security", "breakage", "hygiene").contains(o.get("severity")), line);
    }

    private void ws() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private Object value() {
        ws();
        if (i >= s.length()) {
            throw new AssertionError("unexpected end of JSON: " + s);
        }
        char c = s.charAt(i);
        switch (c) {
            case '{': return obj();
            case '[': return arr();
            case '"': return str();
            case 't': return lit("true", Boolean.TRUE);
            case 'f': return lit("false", Boolean.FALSE);
            case 'n': return lit("null", null);
            default: return num();
        }
    }

    private Object lit(String word, Object v) {
        if (!s.startsWith(word, i)) {
            throw new AssertionError("bad literal at " + i + ": " + s);
        }
        i += word.length();
        return v;
    }

    private Object num() {
        int start = i;
        while (i < s.length() && "-+.eE0123456789".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        if (start == i) {
            throw new AssertionError("bad value at " + i + ": " + s);
        }
        return Double.parseDouble(s.substring(start, i));
    }

    private Map<String, Object> obj() {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (s.charAt(i) == '}') {
            i++;
            return m;
        }
        while (true) {
            ws();
            String k = str();
            ws();
            if (s.charAt(i++) != ':') {
                throw new AssertionError("expected ':' at " + (i - 1) + ": " + s);
            }
            m.put(k, value());
            ws();
            char c = s.charAt(i++);
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw new AssertionError("expected ',' or '}' at " + (i - 1) + ": " + s);
            }
        }
    }

    private List<Object> arr() {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (s.charAt(i) == ']') {
            i++;
            return l;
        }
        while (true) {
            l.add(value());
            ws();
            char c = s.charAt(i++);
            if (c == ']') {
                return l;
            }
            if (c != ',') {
                throw new AssertionError("expected ',' or ']' at " + (i - 1) + ": " + s);
            }
        }
    }

    private String str() {
        if (s.charAt(i) != '"') {
            throw new AssertionError("expected '\"' at " + i + ": " + s);
        }
        i++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw new AssertionError("raw control character in JSON string: " + s);
            }
            if (c == '\\') {
                char e = s.charAt(i++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                    default: throw new AssertionError("bad escape at " + i + ": " + s);
                }
            } else {
                sb.append(c);
            }
        }
    }
}
