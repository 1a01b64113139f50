package io.corsguard.config;

import java.util.ArrayList;
import java.util.List;

/**
 * An Ant-style path pattern ({@code paths.include} / {@code paths.exclude}): {@code ?} matches one
 * character, {@code *} any characters within a segment, {@code **} as a whole segment any number
 * of segments (none included, so {@code /api/**} matches {@code /api}). Matching is
 * case-sensitive, ignores empty segments ({@code //} and a trailing {@code /}) and a query string.
 * {@link #matches} allocates nothing: it runs on request paths.
 */
public final class PathPattern {
    static final String EXPECTED = "expected an Ant-style path pattern starting with / (/api/**, /*.json, /v?/items)";
    private static final String ANY_SEGMENTS = "**";

    private final String pattern;
    private final String[] segments;

    private PathPattern(String pattern, String[] segments) {
        this.pattern = pattern;
        this.segments = segments;
    }

    /** @throws IllegalArgumentException with {@link #EXPECTED} when the pattern is not one */
    public static PathPattern compile(String pattern) {
        if (pattern.isEmpty() || pattern.charAt(0) != '/') {
            throw new IllegalArgumentException(EXPECTED);
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException(EXPECTED + ", without spaces or control characters");
            }
        }
        List<String> segs = new ArrayList<String>();
        int start = 1;
        while (start <= pattern.length()) {
            int slash = pattern.indexOf('/', start);
            int end = slash < 0 ? pattern.length() : slash;
            if (end > start) {
                String seg = pattern.substring(start, end);
                // consecutive ** are one **: keeps the backtracking in matches() bounded
                if (!(seg.equals(ANY_SEGMENTS) && !segs.isEmpty() && segs.get(segs.size() - 1).equals(ANY_SEGMENTS))) {
                    segs.add(seg);
                }
            }
            start = end + 1;
        }
        return new PathPattern(pattern, segs.toArray(new String[0]));
    }

    /** The pattern as written. */
    public String pattern() {
        return pattern;
    }

    /** Whether {@code path} (a request path, possibly with {@code ?query}) matches. */
    public boolean matches(String path) {
        if (path == null) {
            return false;
        }
        int end = path.indexOf('?');
        if (end < 0) {
            end = path.length();
        }
        // Wildcard matching over segments with backtracking to the last ** only: each other pattern
        // segment consumes exactly one path segment, so this is O(segments x pattern segments),
        // not exponential in the number of ** (request paths are attacker-controlled).
        int n = segments.length;
        int si = 0;
        int pos = skipSlashes(path, 0, end);
        int starSi = -1;
        int starPos = -1;
        while (pos < end) {
            if (si < n && segments[si].equals(ANY_SEGMENTS)) {
                starSi = si++;
                starPos = pos;
                continue;
            }
            if (si < n) {
                int segEnd = segmentEnd(path, pos, end);
                if (matchSegment(segments[si], path, pos, segEnd)) {
                    si++;
                    pos = skipSlashes(path, segEnd, end);
                    continue;
                }
            }
            if (starSi < 0) {
                return false;
            }
            // let the last ** absorb one more segment and retry what follows it
            si = starSi + 1;
            starPos = skipSlashes(path, segmentEnd(path, starPos, end), end);
            pos = starPos;
        }
        while (si < n && segments[si].equals(ANY_SEGMENTS)) {
            si++;
        }
        return si == n;
    }

    private static int skipSlashes(String path, int pos, int end) {
        while (pos < end && path.charAt(pos) == '/') {
            pos++;
        }
        return pos;
    }

    private static int segmentEnd(String path, int pos, int end) {
        while (pos < end && path.charAt(pos) != '/') {
            pos++;
        }
        return pos;
    }

    /** Glob match of one segment; the last {@code *} is retried, so this is O(length squared) at worst. */
    private static boolean matchSegment(String seg, String path, int from, int to) {
        int p = 0;
        int t = from;
        int starP = -1;
        int starT = -1;
        int n = seg.length();
        while (t < to) {
            char pc = p < n ? seg.charAt(p) : 0;
            if (p < n && pc == '*') {
                starP = p++;
                starT = t;
            } else if (p < n && (pc == '?' || pc == path.charAt(t))) {
                p++;
                t++;
            } else if (starP >= 0) {
                p = starP + 1;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (p < n && seg.charAt(p) == '*') {
            p++;
        }
        return p == n;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
