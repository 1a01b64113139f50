package io.corsguard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.corsguard.config.TestSupport.args;
import static io.corsguard.config.TestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathPatternTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "/api/**,        /api,               true",
            "/api/**,        /api/,              true",
            "/api/**,        /api/users,         true",
            "/api/**,        /api/users/7/roles, true",
            "/api/**,        /apix,              false",
            "/api/**,        /other/api/x,       false",
            "/api/**,        /api?x=1,           true",
            "/api/**,        /web?next=/api/x,   false",
            "/*.json,        /a.json,            true",
            "/*.json,        /.json,             true",
            "/*.json,        /x/a.json,          false",
            "/*.json,        /a.jsonx,           false",
            "/*.json,        /a.json?v=2,        true",
            "/v?/items,      /v1/items,          true",
            "/v?/items,      /v12/items,         false",
            "/v?/items,      /v/items,           false",
            "/?,             /a,                 true",
            "/?,             /ab,                false",
            "/**,            /,                  true",
            "/**,            /deep/er/path,      true",
            "/**/*.js,       /a.js,              true",
            "/**/*.js,       /x/y/a.js,          true",
            "/**/*.js,       /x/y/a.css,         false",
            "/a/**/b,        /a/b,               true",
            "/a/**/b,        /a/x/y/b,           true",
            "/a/**/b,        /a/x/y/c,           false",
            "/a/**/**/b,     /a/x/b,             true",
            "/static/*,      /static/a,          true",
            "/static/*,      /static,            false",
            "/static/*,      /static/a/b,        false",
            "/a*b*c,         /axxbyyc,           true",
            "/a*b*c,         /abc,               true",
            "/a*b*c,         /acb,               false",
            "/a*b*c,         /abcc,              true",
            "/api,           /API,               false",
            "/api,           /api,               true",
            "/api,           /api/,              true",
            "/api,           //api,              true",
            "/,              /,                  true",
            "/,              /a,                 false",
            "/a/b,           /a/b/c,             false",
            "/**/x/**/y,     /x/y,               true",
            "/**/x/**/y,     /q/x/r/x/s/y,       true",
            "/**/x/**/y,     /q/x/r/y/s,         false",
            "/**/x/*/y,      /x/x/z/y,           true",
            "/a/**,          /b/a,               false",
    })
    void matches(String pattern, String path, boolean expected) {
        assertEquals(expected, PathPattern.compile(pattern).matches(path));
    }

    @Test
    void null_path_never_matches() {
        assertFalse(PathPattern.compile("/**").matches(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "api/**", "*.json", "/a b", "/a\tb", "/a\nb"})
    void invalid_patterns_are_refused(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> PathPattern.compile(pattern));
    }

    @Test
    void star_segments_on_a_long_hostile_path_stay_fast() {
        PathPattern p = PathPattern.compile("/*a*a*a*a*a*b");
        String path = "/" + "a".repeat(10_000);
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), () -> assertFalse(p.matches(path)));
    }

    @Test
    void several_double_stars_on_a_long_hostile_path_stay_fast() {
        PathPattern p = PathPattern.compile("/**/a/**/a/**/a/**/b");
        String path = "/a".repeat(4_000) + "/c";
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), () -> assertFalse(p.matches(path)));
        assertTrue(p.matches("/a".repeat(4_000) + "/b"));
    }

    @Test
    void path_allowed_is_included_and_not_excluded() {
        CorsGuardConfig c = ok(args("paths.include=/api/**,/graphql;paths.exclude=/api/health,/api/internal/**"));
        assertTrue(c.pathAllowed("/api/users"));
        assertTrue(c.pathAllowed("/graphql?query=x"));
        assertFalse(c.pathAllowed("/api/health"));
        assertFalse(c.pathAllowed("/api/health?verbose"));
        assertFalse(c.pathAllowed("/api/internal/a/b"));
        assertFalse(c.pathAllowed("/web/index.html"));
    }

    @Test
    void path_allowed_with_only_exclusions_includes_everything_else() {
        CorsGuardConfig c = ok(args("paths.exclude=/*.css"));
        assertTrue(c.pathAllowed("/api"));
        assertFalse(c.pathAllowed("/site.css"));
        assertTrue(c.pathAllowed("/x/site.css"));
    }
}
