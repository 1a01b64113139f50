package io.corsguard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.corsguard.config.TestSupport.args;
import static io.corsguard.config.TestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ConfigWarningTest {

    private static List<String> codes(String origins) {
        return ok(args("allowed-origins=" + origins)).warnings().stream().map(ConfigWarning::code).toList();
    }

    @Test
    void CG101_cleartext_http_origin_exact_message() {
        ConfigResult r = args("allowed-origins=https://a.example.com,http://app.example.com");
        assertEquals(1, r.warnings().size());
        ConfigWarning w = r.warnings().get(0);
        assertEquals("CG101", w.code());
        assertEquals("http://app.example.com", w.entry());
        assertEquals("CG101 allowed-origins entry 'http://app.example.com': credentials go to a cleartext http"
                + " origin: a network attacker can inject script there and read the users' data (use https)",
                w.message());
        assertSame(r.config().warnings(), r.warnings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://app.example.com", "http://*.example.com", "http://10.0.0.5:8080",
            "http://128.0.0.1", "http://localhost.example.com", "http://127.0.0.1.example.com"})
    void CG101_fires_for_http_on_non_loopback_hosts(String origin) {
        assertEquals(List.of("CG101"), codes(origin));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:3000", "http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:8080",
            "http://LOCALHOST", "http://app.localhost:5173", "https://app.example.com", "https://10.0.0.5"})
    void CG101_does_not_fire_for_loopback_or_https(String origin) {
        assertEquals(List.of(), codes(origin));
    }

    @Test
    void CG102_allow_null_origin() {
        ConfigResult r = args("allow-null-origin=true");
        assertEquals(1, r.warnings().size());
        ConfigWarning w = r.warnings().get(0);
        assertEquals("CG102", w.code());
        assertEquals("null", w.entry());
        assertEquals("CG102 allow-null-origin=true: sandboxed iframes, data: and file: pages send Origin null: any"
                + " site can get credentialed reads through them", w.message());
        assertEquals(List.of(), ok(args("allow-null-origin=false")).warnings());
    }

    @Test
    void CG103_public_suffix_pattern_exact_message() {
        ConfigWarning w = args("allowed-origins=https://*.co.uk").warnings().get(0);
        assertEquals("CG103 allowed-origins entry 'https://*.co.uk': the pattern trusts every site under the public"
                + " suffix co.uk: anyone can register one and read the users' data", w.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://*.com", "https://*.org", "https://*.io", "https://*.de", "https://*.co.uk",
            "https://*.com.au", "https://*.co.jp", "https://*.COM", "https://*.local"})
    void CG103_fires_for_patterns_on_public_suffixes(String origin) {
        assertEquals(List.of("CG103"), codes(origin));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://*.example.com", "https://*.example.co.uk", "https://*.shop.com.au",
            "http://*.localhost", "https://co.uk"})
    void CG103_does_not_fire_for_registrable_domains_or_exact_entries(String origin) {
        assertEquals(List.of(), codes(origin));
    }

    @Test
    void CG104_pattern_and_exact_entry_messages() {
        List<ConfigWarning> w = args("allowed-origins=https://*.github.io,https://myapp.herokuapp.com").warnings();
        assertEquals("CG104 allowed-origins entry 'https://*.github.io': anyone can publish pages under github.io:"
                + " every one of them can read the users' data", w.get(0).message());
        assertEquals("CG104 allowed-origins entry 'https://myapp.herokuapp.com': herokuapp.com hosts pages anyone can"
                + " publish: if this name is ever released, whoever takes it can read the users' data",
                w.get(1).message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://*.github.io", "https://someone.github.io", "https://*.herokuapp.com",
            "https://codepen.io", "https://cdpn.io", "https://jsfiddle.net", "https://*.vercel.app",
            "https://x.netlify.app", "https://*.pages.dev", "https://a.glitch.me", "https://*.repl.co",
            "https://*.web.app", "https://p.firebaseapp.com", "https://*.azurewebsites.net",
            "https://d1.cloudfront.net", "https://s3.amazonaws.com", "https://b.s3.eu-west-1.amazonaws.com",
            "https://b.s3-website-us-east-1.amazonaws.com", "https://*.amazonaws.com", "https://x.blogspot.com",
            "https://*.surge.sh", "https://a.ngrok.io", "https://*.ngrok-free.app", "https://*.a.github.io"})
    void CG104_fires_on_or_under_open_hosting(String origin) {
        assertEquals(List.of("CG104"), codes(origin));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://github.com", "https://notgithub.io", "https://api.example.com",
            "https://*.example.com", "https://api.execute-api.us-east-1.amazonaws.com", "https://github.io.example.com"})
    void CG104_does_not_fire_elsewhere(String origin) {
        assertEquals(List.of(), codes(origin));
    }

    @Test
    void http_pattern_on_open_hosting_warns_twice_and_order_follows_entries_then_null() {
        assertEquals(List.of("CG101", "CG104", "CG103", "CG102"),
                ok(args("allowed-origins=http://*.github.io,https://*.com;allow-null-origin=true")).warnings()
                        .stream().map(ConfigWarning::code).toList());
    }

    @Test
    void entry_is_escaped_in_the_message() {
        ConfigWarning w = new ConfigWarning("CG101", "http://a\nb", "risk");
        assertEquals("CG101 allowed-origins entry 'http://a\\nb': risk", w.message());
    }
}
