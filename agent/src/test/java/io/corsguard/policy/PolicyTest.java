package io.corsguard.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** One behaviour per case, named after the rule of cors-rules.md it pins. */
class PolicyTest {
    static final String T = "https://trusted.com";
    static final String E = "https://evil.com";

    static final String ACAO = "Access-Control-Allow-Origin";
    static final String ACAC = "Access-Control-Allow-Credentials";
    static final String ACAM = "Access-Control-Allow-Methods";
    static final String ACAH = "Access-Control-Allow-Headers";
    static final String ACEH = "Access-Control-Expose-Headers";
    static final String ACAPN = "Access-Control-Allow-Private-Network";
    static final String VARY = "Vary";

    /** Settings under test; defaults: trusted.com and *.example.com trusted, everything else off. */
    static final class S {
        List<String> origins = List.of(T, "https://*.example.com");
        boolean allowNull;
        List<String> methods = List.of();
        List<String> headers = List.of();
        List<String> exposed = List.of();
        boolean grant;

        S allowNull() {
            allowNull = true;
            return this;
        }

        S methods(String... m) {
            methods = List.of(m);
            return this;
        }

        S headers(String... h) {
            headers = List.of(h);
            return this;
        }

        S exposed(String... h) {
            exposed = List.of(h);
            return this;
        }

        S grant() {
            grant = true;
            return this;
        }

        Policy policy() {
            return new Policy(new PolicySettings(OriginAllowlistTest.allow(origins.toArray(new String[0])),
                    allowNull, methods, headers, exposed, grant));
        }
    }

    static S settings() {
        return new S();
    }

    static RequestFacts get(String origin) {
        return new RequestFacts(origin, "GET", "/api", null, null, false);
    }

    static RequestFacts getWithCookie(String origin) {
        return new RequestFacts(origin, "GET", "/api", null, null, true);
    }

    static RequestFacts preflight(String origin, String method, String headers) {
        return new RequestFacts(origin, "OPTIONS", "/api", method, headers, false);
    }

    static HeaderLines lines(String... pairs) {
        return HeaderLines.of(200, pairs);
    }

    static HeaderLines status(int status, String... pairs) {
        return HeaderLines.of(status, pairs);
    }

    static List<String> after(String... pairs) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.add(pairs[i] + ": " + pairs[i + 1]);
        }
        return out;
    }

    static List<String> fired(String... violations) {
        return List.of(violations);
    }

    record Case(String name, S settings, RequestFacts request, HeaderLines response, List<String> violations,
                List<String> corrected) {
    }

    static Case c(String name, S settings, RequestFacts request, HeaderLines response, List<String> violations,
                  List<String> corrected) {
        return new Case(name, settings, request, response, violations, corrected);
    }

    /** A compliant case: no rule fires at all. */
    static Case ok(String name, S settings, RequestFacts request, HeaderLines response) {
        return new Case(name, settings, request, response, List.of(), response.asLines());
    }

    static Stream<Case> cases() {
        return Stream.of(
                // CG001
                c("CG001 fixes a case variant of true for a trusted origin", settings(), get(T),
                        lines(ACAO, T, ACAC, "True", VARY, "Origin"),
                        fired("CG001/fix-credentials"),
                        after(ACAO, T, VARY, "Origin", ACAC, "true")),
                c("CG001 collapses two true lines into one for a trusted origin", settings(), get(T),
                        lines(ACAO, T, ACAC, "true", VARY, "Origin", ACAC, "true"),
                        fired("CG001/fix-credentials"),
                        after(ACAO, T, VARY, "Origin", ACAC, "true")),
                c("CG001 collapses a true list into one true", settings(), get(T),
                        lines(ACAO, T, ACAC, "true, TRUE", VARY, "Origin"),
                        fired("CG001/fix-credentials"),
                        after(ACAO, T, VARY, "Origin", ACAC, "true")),
                c("CG001 removes false even for a trusted origin", settings(), get(T),
                        lines(ACAO, T, ACAC, "false", VARY, "Origin"),
                        fired("CG001/strip-credentials"),
                        after(ACAO, T, VARY, "Origin")),
                c("CG001 removes an empty value", settings(), get(T),
                        lines(ACAO, T, ACAC, "", VARY, "Origin"),
                        fired("CG001/strip-credentials"),
                        after(ACAO, T, VARY, "Origin")),
                c("CG001 removes 1 and yes", settings(), get(T),
                        lines(ACAO, T, ACAC, "1", ACAC, "yes", VARY, "Origin"),
                        fired("CG001/strip-credentials"),
                        after(ACAO, T, VARY, "Origin")),
                c("CG001 removes TRUE for an untrusted origin instead of fixing it", settings(), get(E),
                        lines(ACAO, E, ACAC, "TRUE", VARY, "Origin"),
                        fired("CG001/strip-credentials"),
                        after(ACAO, E, VARY, "Origin")),
                ok("CG001 accepts exactly true", settings(), get(T),
                        lines(ACAO, T, ACAC, "true", VARY, "Origin")),
                ok("CG001 accepts true with surrounding spaces", settings(), get(T),
                        lines(ACAO, T, ACAC, " true ", VARY, "Origin")),

                // CG002
                c("CG002 sets the trusted origin in place of the wildcard and appends Origin to Vary", settings(), get(T),
                        lines(ACAO, "*", ACAC, "true", VARY, "Accept-Encoding"),
                        fired("CG002/set-origin"),
                        after(ACAC, "true", ACAO, T, VARY, "Accept-Encoding, Origin")),
                c("CG002 removes credentials for an untrusted origin and keeps the wildcard", settings(), get(E),
                        lines(ACAO, "*", ACAC, "true"),
                        fired("CG002/strip-credentials"),
                        after(ACAO, "*")),
                c("CG002 does not repair the origin when CG001 removes false", settings(), get(T),
                        lines(ACAO, "*", ACAC, "false"),
                        fired("CG001/strip-credentials", "CG002/strip-credentials"),
                        after(ACAO, "*")),
                c("CG002 with a case variant of true fixes both for a trusted origin", settings(), get(T),
                        lines(ACAO, "*", ACAC, "True"),
                        fired("CG001/fix-credentials", "CG002/set-origin"),
                        after(ACAC, "true", ACAO, T, VARY, "Origin")),
                ok("CG002 leaves a public wildcard without credentials alone", settings(), get(E),
                        lines(ACAO, "*")),

                // CG003
                c("CG003 removes credentials reflected to an untrusted origin", settings(), get(E),
                        lines(ACAO, E, ACAC, "true", VARY, "Origin"),
                        fired("CG003/strip-credentials"),
                        after(ACAO, E, VARY, "Origin")),
                c("CG003 and CG007 fire together on a bare reflection", settings(), get(E),
                        lines(ACAO, E, ACAC, "true"),
                        fired("CG003/strip-credentials", "CG007/add-vary"),
                        after(ACAO, E, VARY, "Origin")),
                c("CG003 catches the trusted.com.evil.com suffix trick", settings(), get("https://trusted.com.evil.com"),
                        lines(ACAO, "https://trusted.com.evil.com", ACAC, "true", VARY, "Origin"),
                        fired("CG003/strip-credentials"),
                        after(ACAO, "https://trusted.com.evil.com", VARY, "Origin")),
                c("CG003 catches an http downgrade of a trusted https origin", settings(), get("http://trusted.com"),
                        lines(ACAO, "http://trusted.com", ACAC, "true", VARY, "Origin"),
                        fired("CG003/strip-credentials"),
                        after(ACAO, "http://trusted.com", VARY, "Origin")),
                c("CG003 removes every ACAC line, not only the first", settings(), get(E),
                        lines(ACAO, E, ACAC, "true", VARY, "Origin", ACAC, "true"),
                        fired("CG001/strip-credentials", "CG003/strip-credentials"),
                        after(ACAO, E, VARY, "Origin")),
                ok("CG003 leaves a trusted reflection alone", settings(), get(T),
                        lines(ACAO, T, ACAC, "true", VARY, "Origin")),
                ok("CG003 leaves a pattern-trusted reflection alone", settings(), get("https://app.example.com"),
                        lines(ACAO, "https://app.example.com", ACAC, "true", VARY, "Origin")),

                // CG004
                c("CG004 removes credentials granted to the null origin", settings(), get("null"),
                        lines(ACAO, "null", ACAC, "true", VARY, "Origin"),
                        fired("CG003/strip-credentials", "CG004/strip-credentials"),
                        after(ACAO, "null", VARY, "Origin")),
                c("CG004 for a trusted request origin sets that origin instead (CG005's correction)", settings(), get(T),
                        lines(ACAO, "null", ACAC, "true"),
                        fired("CG004/set-origin", "CG005/set-origin"),
                        after(ACAC, "true", ACAO, T, VARY, "Origin")),
                ok("CG004 does not fire when allow-null-origin is true", settings().allowNull(), get("null"),
                        lines(ACAO, "null", ACAC, "true", VARY, "Origin")),
                ok("CG004 does not fire on the null origin without credentials", settings(), get("null"),
                        lines(ACAO, "*")),

                // CG005
                c("CG005 sets the trusted request origin in place of another origin", settings(), get(T),
                        lines(ACAO, "https://other.com", ACAC, "true"),
                        fired("CG005/set-origin"),
                        after(ACAC, "true", ACAO, T, VARY, "Origin")),
                c("CG005 repairs a trailing slash for a trusted origin", settings(), get(T),
                        lines(ACAO, T + "/", ACAC, "true", VARY, "Origin"),
                        fired("CG005/set-origin"),
                        after(ACAC, "true", VARY, "Origin", ACAO, T)),
                c("CG005 echoes a trusted upper-case origin as sent", settings(), get("https://TRUSTED.com"),
                        lines(ACAO, T, ACAC, "true", VARY, "Origin"),
                        fired("CG005/set-origin"),
                        after(ACAC, "true", VARY, "Origin", ACAO, "https://TRUSTED.com")),
                c("CG005 removes credentials for an untrusted origin", settings(), get(E),
                        lines(ACAO, T, ACAC, "true", VARY, "Origin"),
                        fired("CG005/strip-credentials"),
                        after(ACAO, T, VARY, "Origin")),
                ok("CG005 does not fire without credentials", settings(), get(E),
                        lines(ACAO, T, VARY, "Origin")),

                // CG006
                c("CG006 collapses a list to the trusted request origin", settings(), get(T),
                        lines(ACAO, T + ", https://other.com", ACAC, "true"),
                        fired("CG006/set-origin"),
                        after(ACAC, "true", ACAO, T, VARY, "Origin")),
                c("CG006 collapses two equal lines for a trusted origin without credentials", settings(), get(T),
                        lines(ACAO, T, ACAO, T, VARY, "Accept-Encoding"),
                        fired("CG006/set-origin"),
                        after(ACAO, T, VARY, "Accept-Encoding, Origin")),
                c("CG006 keeps a single wildcard and removes credentials for an untrusted origin", settings(), get(E),
                        lines(ACAO, "*", ACAO, E, ACAC, "true"),
                        fired("CG006/single-origin"),
                        after(ACAO, "*")),
                c("CG006 removes a space-separated list for an untrusted origin", settings(), get(E),
                        lines(ACAO, "https://a.com https://b.com"),
                        fired("CG006/single-origin"),
                        after()),
                c("CG006 still collapses to the trusted origin when CG001 removes false", settings(), get(T),
                        lines(ACAO, T + ",*", ACAC, "false"),
                        fired("CG001/strip-credentials", "CG006/set-origin"),
                        after(ACAO, T, VARY, "Origin")),
                ok("CG006 does not fire on a single origin", settings(), get(E),
                        lines(ACAO, "https://a.com", VARY, "Origin")),

                // CG007
                c("CG007 keeps existing Vary values", settings(), get(T),
                        lines(ACAO, T, ACAC, "true", VARY, "Accept-Encoding"),
                        fired("CG007/add-vary"),
                        after(ACAO, T, ACAC, "true", VARY, "Accept-Encoding, Origin")),
                c("CG007 appends to the last of several Vary lines", settings(), get(T),
                        lines(VARY, "Accept-Encoding", ACAO, T, VARY, "Cookie"),
                        fired("CG007/add-vary"),
                        after(ACAO, T, VARY, "Accept-Encoding", VARY, "Cookie, Origin")),
                c("CG007 adds a Vary line when there is none", settings(), get(T),
                        lines(ACAO, T),
                        fired("CG007/add-vary"),
                        after(ACAO, T, VARY, "Origin")),
                ok("CG007 accepts Origin in any case", settings(), get(T),
                        lines(ACAO, T, VARY, "accept-encoding, ORIGIN")),
                ok("CG007 accepts Vary: *", settings(), get(T),
                        lines(ACAO, T, VARY, "*")),
                ok("CG007 does not ask for Vary on a wildcard", settings(), get(T),
                        lines(ACAO, "*")),

                // CG008
                c("CG008 replaces * by the requested headers when allowed-headers is empty", settings(),
                        preflight(T, "PUT", "X-Token, Authorization"),
                        lines(ACAO, T, ACAC, "true", ACAM, "PUT", ACAH, "*", VARY, "Origin"),
                        fired("CG008/replace-allow-headers"),
                        after(ACAO, T, ACAC, "true", ACAM, "PUT", VARY, "Origin", ACAH, "X-Token, Authorization")),
                c("CG008 replaces * by allowed-headers, keeps other tokens and drops duplicates",
                        settings().headers("X-Token", "Content-Type"),
                        preflight(T, "PUT", "x-token"),
                        lines(ACAO, T, ACAC, "true", ACAM, "PUT", ACAH, "X-Extra, *", ACAH, "x-token", VARY, "Origin"),
                        fired("CG008/replace-allow-headers"),
                        after(ACAO, T, ACAC, "true", ACAM, "PUT", VARY, "Origin", ACAH, "X-Extra, X-Token, Content-Type")),
                c("CG008 leaves ACAH as it is with neither allowed-headers nor requested headers", settings(),
                        preflight(T, "PUT", null),
                        lines(ACAO, T, ACAC, "true", ACAM, "PUT", ACAH, "*", VARY, "Origin"),
                        fired("CG008/reported"),
                        after(ACAO, T, ACAC, "true", ACAM, "PUT", ACAH, "*", VARY, "Origin")),
                c("CG008 does not repair headers for an untrusted origin whose credentials go", settings(),
                        preflight(E, "PUT", "X-Token"),
                        lines(ACAO, E, ACAC, "true", ACAM, "PUT", ACAH, "*", VARY, "Origin"),
                        fired("CG003/strip-credentials", "CG008/strip-credentials"),
                        after(ACAO, E, ACAM, "PUT", ACAH, "*", VARY, "Origin")),
                ok("CG008 does not fire outside a preflight", settings(), get(T),
                        lines(ACAO, T, ACAC, "true", ACAH, "*", VARY, "Origin")),

                // CG009
                c("CG009 replaces * by the requested method and keeps the others", settings(),
                        preflight(T, "PATCH", null),
                        lines(ACAO, T, ACAC, "true", ACAM, "GET, *", VARY, "Origin"),
                        fired("CG009/replace-allow-methods"),
                        after(ACAO, T, ACAC, "true", VARY, "Origin", ACAM, "GET, PATCH")),
                c("CG009 replaces * by allowed-methods", settings().methods("GET", "POST", "DELETE"),
                        preflight(T, "DELETE", null),
                        lines(ACAO, T, ACAC, "true", ACAM, "*", VARY, "Origin"),
                        fired("CG009/replace-allow-methods"),
                        after(ACAO, T, ACAC, "true", VARY, "Origin", ACAM, "GET, POST, DELETE")),
                c("CG009 does not repair methods for an untrusted origin whose credentials go", settings(),
                        preflight(E, "PUT", null),
                        lines(ACAO, "*", ACAC, "true", ACAM, "*"),
                        fired("CG002/strip-credentials", "CG009/strip-credentials"),
                        after(ACAO, "*", ACAM, "*")),
                ok("CG009 does not fire when ACAM lists the method", settings(), preflight(T, "PUT", null),
                        lines(ACAO, T, ACAC, "true", ACAM, "GET, PUT", VARY, "Origin")),

                // CG010
                c("CG010 replaces * by exposed-headers", settings().exposed("X-Total", "ETag"), get(T),
                        lines(ACAO, T, ACAC, "true", ACEH, "*", VARY, "Origin"),
                        fired("CG010/replace-expose-headers"),
                        after(ACAO, T, ACAC, "true", VARY, "Origin", ACEH, "X-Total, ETag")),
                c("CG010 only reports without exposed-headers", settings(), get(T),
                        lines(ACAO, T, ACAC, "true", ACEH, "*", VARY, "Origin"),
                        fired("CG010/reported"),
                        after(ACAO, T, ACAC, "true", ACEH, "*", VARY, "Origin")),
                c("CG010 does not repair exposed headers for an untrusted origin", settings().exposed("X-Total"), get(E),
                        lines(ACAO, "*", ACAC, "true", ACEH, "*"),
                        fired("CG002/strip-credentials", "CG010/strip-credentials"),
                        after(ACAO, "*", ACEH, "*")),
                ok("CG010 does not fire without credentials", settings(), get(T),
                        lines(ACAO, "*", ACEH, "*")),

                // CG011
                c("CG011 reports missing credentials without grant-credentials", settings(), getWithCookie(T),
                        lines(ACAO, T, VARY, "Origin"),
                        fired("CG011/reported"),
                        after(ACAO, T, VARY, "Origin")),
                c("CG011 grants credentials with grant-credentials", settings().grant(), getWithCookie(T),
                        lines(ACAO, T, VARY, "Origin"),
                        fired("CG011/grant-credentials"),
                        after(ACAO, T, VARY, "Origin", ACAC, "true")),
                c("CG011 with grant-credentials applies the trusted repairs of CG002 and CG008-CG010",
                        settings().grant().exposed("X-Total"),
                        preflight(T, "PUT", "X-Token"),
                        lines(ACAO, "*", ACAM, "*", ACAH, "*", ACEH, "*", VARY, "Accept-Encoding"),
                        fired("CG011/grant-credentials"),
                        after(ACAC, "true", ACAO, T, VARY, "Accept-Encoding, Origin", ACAH, "X-Token", ACAM, "PUT",
                                ACEH, "X-Total")),
                ok("CG011 does not fire for a request without credentials", settings().grant(), get(T),
                        lines(ACAO, T, VARY, "Origin")),
                ok("CG011 does not fire for an untrusted origin", settings().grant(), getWithCookie(E),
                        lines(ACAO, "*")),
                ok("CG011 does not fire when ACAO names another origin", settings().grant(), getWithCookie(T),
                        lines(ACAO, "https://other.com")),

                // CG012
                c("CG012 reports a trusted preflight answered 401", settings(), preflight(T, "PUT", null),
                        status(401, ACAO, T, ACAC, "true", ACAM, "PUT", VARY, "Origin"),
                        fired("CG012/reported"),
                        after(ACAO, T, ACAC, "true", ACAM, "PUT", VARY, "Origin")),
                ok("CG012 accepts a 204 preflight", settings(), preflight(T, "PUT", null),
                        status(204, ACAO, T, ACAC, "true", ACAM, "PUT", VARY, "Origin")),
                ok("CG012 does not judge an untrusted preflight's status", settings(), preflight(E, "PUT", null),
                        status(403, ACAO, "*", ACAM, "PUT")),

                // CG013
                c("CG013 removes credentials without ACAO for an untrusted origin", settings(), get(E),
                        lines(ACAC, "true", VARY, "Accept-Encoding"),
                        fired("CG013/strip-credentials"),
                        after(VARY, "Accept-Encoding")),
                c("CG013 only reports for a trusted origin", settings(), get(T),
                        lines(ACAC, "true"),
                        fired("CG013/reported"),
                        after(ACAC, "true")),
                ok("CG013 does not fire on Vary alone", settings(), get(E),
                        lines(VARY, "Origin")),

                // CG014
                c("CG014 removes the private network grant for an untrusted origin behind a wildcard", settings(),
                        preflight(E, "GET", null),
                        lines(ACAO, "*", ACAPN, "true", ACAM, "GET"),
                        fired("CG014/strip-private-network"),
                        after(ACAO, "*", ACAM, "GET")),
                c("CG014 removes the private network grant reflected to an untrusted origin", settings(),
                        preflight(E, "GET", null),
                        lines(ACAO, E, ACAPN, "true", VARY, "Origin"),
                        fired("CG014/strip-private-network"),
                        after(ACAO, E, VARY, "Origin")),
                ok("CG014 leaves the private network grant of a trusted origin", settings(), preflight(T, "GET", null),
                        lines(ACAO, T, ACAC, "true", ACAPN, "true", VARY, "Origin")),

                // CG015
                c("CG015 reports a method ACAM lists only in another case", settings(), preflight(T, "PATCH", null),
                        lines(ACAO, T, ACAC, "true", ACAM, "GET, patch", VARY, "Origin"),
                        fired("CG015/reported"),
                        after(ACAO, T, ACAC, "true", ACAM, "GET, patch", VARY, "Origin")),
                c("CG015 reports a method missing from ACAM on a wildcard response", settings(),
                        preflight(T, "DELETE", null),
                        lines(ACAO, "*", ACAM, "GET, POST"),
                        fired("CG011/reported", "CG015/reported"),
                        after(ACAO, "*", ACAM, "GET, POST")),
                ok("CG015 accepts a CORS-safelisted method not listed", settings(), preflight(T, "POST", null),
                        lines(ACAO, T, ACAC, "true", ACAM, "PUT", VARY, "Origin")),
                c("CG015 does not fire on ACAM * without credentials", settings(), preflight(T, "DELETE", null),
                        lines(ACAO, "*", ACAM, "*"),
                        fired("CG011/reported"),
                        after(ACAO, "*", ACAM, "*")),

                // CG016
                c("CG016 reports a requested header missing from ACAH", settings(),
                        preflight(T, "PUT", "X-Token, Authorization"),
                        lines(ACAO, T, ACAC, "true", ACAM, "PUT", ACAH, "X-Token", VARY, "Origin"),
                        fired("CG016/reported"),
                        after(ACAO, T, ACAC, "true", ACAM, "PUT", ACAH, "X-Token", VARY, "Origin")),
                c("CG016 reports Authorization, which * never covers", settings(),
                        preflight(T, "PUT", "authorization"),
                        lines(ACAO, "*", ACAM, "PUT", ACAH, "*"),
                        fired("CG011/reported", "CG016/reported"),
                        after(ACAO, "*", ACAM, "PUT", ACAH, "*")),
                ok("CG016 compares header names case-insensitively", settings(),
                        preflight(T, "PUT", "X-Token, Authorization"),
                        lines(ACAO, T, ACAC, "true", ACAM, "PUT", ACAH, "x-token, AUTHORIZATION", VARY, "Origin")),
                c("CG016 does not fire when * covers the names without credentials", settings(),
                        preflight(T, "PUT", "X-Token"),
                        lines(ACAO, "*", ACAM, "PUT", ACAH, "*"),
                        fired("CG011/reported"),
                        after(ACAO, "*", ACAM, "PUT", ACAH, "*"))
        );
    }

    @TestFactory
    Stream<DynamicTest> rules() {
        return cases().map(k -> dynamicTest(k.name(), () -> {
            Decision d = k.settings().policy().evaluate(k.request(), k.response());
            if (k.violations().isEmpty()) {
                assertNull(d, () -> "expected no violation, got " + d);
                return;
            }
            assertNotNull(d, "expected " + k.violations());
            List<String> got = d.violations().stream().map(Violation::toString).collect(Collectors.toList());
            assertEquals(k.violations(), got, () -> "patch " + d.patch());
            assertEquals(k.corrected(), k.response().apply(d.patch()).asLines(), () -> "patch " + d.patch());
        }));
    }

    @Test
    void everyRuleHasAViolatingAndACompliantCase() {
        Set<Rule> violated = EnumSet.noneOf(Rule.class);
        Set<Rule> compliant = EnumSet.noneOf(Rule.class);
        for (Case k : cases().collect(Collectors.toList())) {
            Rule named = Rule.valueOf(k.name().substring(0, 5));
            if (k.violations().stream().anyMatch(v -> v.startsWith(named.code() + "/"))) {
                violated.add(named);
            } else {
                compliant.add(named);
            }
        }
        assertEquals(EnumSet.allOf(Rule.class), violated);
        assertEquals(EnumSet.allOf(Rule.class), compliant);
    }

    @Test
    void cg001WithFalseIsHygieneAndOtherValuesAreBreakage() {
        Policy p = settings().policy();
        Decision d = p.evaluate(get(T), lines(ACAO, T, ACAC, "false", VARY, "Origin"));
        assertEquals(Severity.HYGIENE, d.violations().get(0).severity());
        d = p.evaluate(get(T), lines(ACAO, T, ACAC, "FALSE", VARY, "Origin"));
        assertEquals(Severity.HYGIENE, d.violations().get(0).severity());
        d = p.evaluate(get(T), lines(ACAO, T, ACAC, "True", VARY, "Origin"));
        assertEquals(Severity.BREAKAGE, d.violations().get(0).severity());
        d = p.evaluate(get(T), lines(ACAO, T, ACAC, "false, true", VARY, "Origin"));
        assertEquals(Severity.BREAKAGE, d.violations().get(0).severity());
    }

    @Test
    void severitiesFollowTheRuleTable() {
        Decision d = settings().policy().evaluate(get(E), lines(ACAO, E, ACAC, "true"));
        assertEquals(Severity.SECURITY, d.violations().get(0).severity());
        assertEquals(Severity.HYGIENE, d.violations().get(1).severity());
    }

    @Test
    void anOriginWithCrLfIsNeverEchoed() {
        Policy p = settings().policy();
        String forged = T + "\r\nSet-Cookie: x=1";
        for (HeaderLines resp : List.of(lines(ACAO, "*", ACAC, "true"), lines(ACAO, "https://other.com", ACAC, "true"),
                lines(ACAO, T + ", " + E, ACAC, "true"), lines(ACAO, forged, ACAC, "true"))) {
            Decision d = p.evaluate(get(forged), resp);
            assertNotNull(d);
            for (String line : resp.apply(d.patch()).asLines()) {
                assertFalse(line.contains("Access-Control-Allow-Credentials"), line);
            }
            String[] ops = d.patch().operations();
            for (int i = 1; i < ops.length; i += 2) {
                assertTrue(ops[i] == null || Policy.isHeaderSafe(ops[i]), ops[i]);
            }
        }
    }

    @Test
    void requestedHeadersWithCrLfAreNotEchoedIntoAllowHeaders() {
        Decision d = settings().policy().evaluate(preflight(T, "PUT", "X-A\r\nSet-Cookie: x"),
                lines(ACAO, T, ACAC, "true", ACAM, "PUT", ACAH, "*", VARY, "Origin"));
        assertTrue(d.violations().toString().contains("CG008/reported"), d.toString());
        assertTrue(d.patch().isEmpty());
    }

    @Test
    void aVaryLineWithCrLfIsNotReEmitted() {
        Decision d = settings().policy().evaluate(get(T), lines(ACAO, T, VARY, "Cookie\r\nX: y"));
        assertEquals("[CG007/reported]", d.violations().toString());
        assertTrue(d.patch().isEmpty());
    }

    @Test
    void anOriginWithSurroundingSpacesIsTrimmedBeforeItIsJudgedAndEchoed() {
        Decision d = settings().policy().evaluate(get("  " + T + "\t"), lines(ACAO, "*", ACAC, "true"));
        assertEquals("[CG002/set-origin]", d.violations().toString());
        assertEquals(after(ACAC, "true", ACAO, T, VARY, "Origin"),
                lines(ACAO, "*", ACAC, "true").apply(d.patch()).asLines());
    }

    @Test
    void headerNamesCompareCaseInsensitively() {
        Decision d = settings().policy().evaluate(get(E),
                lines("access-control-allow-origin", E, "ACCESS-CONTROL-ALLOW-CREDENTIALS", "true", "vary", "origin"));
        assertEquals("[CG003/strip-credentials]", d.violations().toString());
        assertEquals(after("access-control-allow-origin", E, "vary", "origin"),
                HeaderLines.of(200, "access-control-allow-origin", E, "ACCESS-CONTROL-ALLOW-CREDENTIALS", "true",
                        "vary", "origin").apply(d.patch()).asLines());
    }

    @Test
    void aNullOriginAllowedByConfigurationIsTrusted() {
        Decision d = settings().allowNull().policy().evaluate(get("null"), lines(ACAO, "*", ACAC, "true"));
        assertEquals("[CG002/set-origin]", d.violations().toString());
        assertEquals(after(ACAC, "true", ACAO, "null", VARY, "Origin"),
                lines(ACAO, "*", ACAC, "true").apply(d.patch()).asLines());
    }

    @Test
    void anEmptyOriginIsUntrusted() {
        Decision d = settings().policy().evaluate(get(""), lines(ACAO, "*", ACAC, "true"));
        assertEquals("[CG002/strip-credentials]", d.violations().toString());
    }

    @Test
    void aResponseWithoutCorsHeadersIsNeverTouched() {
        Policy p = settings().grant().policy();
        assertNull(p.evaluate(getWithCookie(T), lines()));
        assertNull(p.evaluate(preflight(E, "PUT", "X-A"), status(401)));
        assertNull(p.evaluate(new RequestFacts(null, "GET", "/", null, null, true), lines(ACAO, "*", ACAC, "true")));
    }

    @Test
    void theSameResponseIsJudgedTheSameFromManyThreads() throws Exception {
        Policy p = settings().policy();
        HeaderLines resp = lines(ACAO, E, ACAC, "true");
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < 5_000; i++) {
                        String o = i % 2 == 0 ? E : T;
                        Decision d = p.evaluate(get(o), resp);
                        boolean strip = d.fired(Rule.CG003) == (o.equals(E));
                        if (!strip) {
                            throw new AssertionError(o + " " + d);
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(List.of(), errors);
    }
}
