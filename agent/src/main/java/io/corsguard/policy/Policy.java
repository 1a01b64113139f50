package io.corsguard.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rules of {@code cors-rules.md}: request facts + response lines -> decision. Pure Java, thread-safe.
 *
 * <p>Every rule is judged on the response as the app wrote it; the corrections of all rules that
 * fired are then merged into one {@link HeaderPatch} (cors-rules.md, "Evaluation notes").
 *
 * <p>When correct mode removes {@code Access-Control-Allow-Credentials} (CG001 with a value that
 * is not a case variant of {@code true}, or any ACAC-related rule on an untrusted origin), the
 * response is no longer credentialed, so the trusted repairs of CG002, CG004/CG005 and
 * CG008–CG010 are not made and CG013 has nothing left to report. Those violations are still
 * reported, with action {@link Action#STRIP_CREDENTIALS}: the removal is what correct mode does
 * about them, and it is what resolves them. CG006's single-ACAO repair is made regardless.
 *
 * <p>Readings where cors-rules.md leaves room, each pinned by a test:
 * <ul>
 * <li>Header values are compared after trimming spaces and tabs, as browsers do (Fetch
 *     "normalize"); {@code ACAC:  true } is valid, {@code ACAO: a, b} and {@code ACAO: a b} are lists.</li>
 * <li>"ACAC {@code true}" (CG003) holds when any ACAC token is exactly {@code true}; with
 *     {@code ACAO: null} and request origin {@code null} both CG003 and CG004 fire, as both
 *     conditions hold.</li>
 * <li>CG001 is hygiene when every token is {@code false} in any case.</li>
 * <li>CG009 drops duplicate methods case-sensitively ({@code patch} is not {@code PATCH}, Fetch
 *     method check); CG008/CG010 drop duplicate header names case-insensitively.</li>
 * <li>CG014 fires for any untrusted origin whatever ACAO says, and on any case of {@code true}.</li>
 * <li>CG011's grant makes the CG002 and CG008–CG010 repairs under CG011's own action; those rules
 *     did not fire on the response as written, so they are not reported.</li>
 * <li>A value that could carry CR/LF/NUL (an app's Vary line, a requested header list) is never
 *     re-emitted: that correction falls back to {@link Action#REPORTED}.</li>
 * </ul>
 */
public final class Policy {
    static final String ACAO = "Access-Control-Allow-Origin";
    static final String ACAC = "Access-Control-Allow-Credentials";
    static final String ACAM = "Access-Control-Allow-Methods";
    static final String ACAH = "Access-Control-Allow-Headers";
    static final String ACEH = "Access-Control-Expose-Headers";
    static final String ACAPN = "Access-Control-Allow-Private-Network";
    static final String VARY = "Vary";

    private final PolicySettings settings;

    public Policy(PolicySettings settings) {
        this.settings = settings;
    }

    public PolicySettings settings() {
        return settings;
    }

    /** @return the decision, or {@code null} when no rule fires */
    public Decision evaluate(RequestFacts request, HeaderLines response) {
        if (request == null || response == null || request.origin() == null) {
            return null; // requests without Origin are same-origin or non-browser: never judged
        }
        List<String> acao = null;
        List<String> acac = null;
        List<String> acam = null;
        List<String> acah = null;
        List<String> aceh = null;
        List<String> vary = null;
        List<String> acapn = null;
        for (int i = 0; i < response.size(); i++) {
            String name = response.name(i);
            String value = response.value(i);
            if (name == null) {
                continue;
            }
            switch (corsHeader(name)) {
                case 1:
                    acao = add(acao, value);
                    break;
                case 2:
                    acac = add(acac, value);
                    break;
                case 3:
                    acam = add(acam, value);
                    break;
                case 4:
                    acah = add(acah, value);
                    break;
                case 5:
                    aceh = add(aceh, value);
                    break;
                case 6:
                    vary = add(vary, value);
                    break;
                case 7:
                    acapn = add(acapn, value);
                    break;
                default:
                    break;
            }
        }

        final boolean preflight = request.preflight();
        if (!preflight && acao == null && acac == null && acam == null && acah == null && aceh == null
                && vary == null && acapn == null) {
            // no CORS line at all: every rule but CG012 (preflights only) needs one. The common
            // case of a cross-origin request the app does not answer with CORS: nothing allocated
            return null;
        }
        final String origin = trimOws(request.origin());
        final boolean trusted = isTrusted(origin);
        final boolean credentialed = acac != null;

        // --- ACAC as written
        boolean acacValid = false;        // exactly one line holding exactly "true" (MDN: case-sensitive)
        boolean acacHasTrue = false;      // some token is exactly "true": a browser may honour it
        boolean acacAllTrueVariants = true;
        boolean acacAllFalse = true;
        if (credentialed) {
            acacValid = acac.size() == 1 && "true".equals(trimOws(acac.get(0)));
            for (String line : acac) {
                // the tokens of tokens(line, true), scanned in place (every credentialed response)
                int n = line.length();
                int start = 0;
                while (start <= n) {
                    int comma = line.indexOf(',', start);
                    int end = comma < 0 ? n : comma;
                    int s = tokenStart(line, start, end);
                    int e = tokenEnd(line, s, end);
                    acacHasTrue |= tokenIs(line, s, e, "true", false);
                    acacAllTrueVariants &= tokenIs(line, s, e, "true", true);
                    acacAllFalse &= tokenIs(line, s, e, "false", true);
                    if (comma < 0) {
                        break;
                    }
                    start = comma + 1;
                }
            }
        }

        // --- ACAO as written: "ACAO is X" means one line holding exactly X
        final boolean acaoMissing = acao == null;
        boolean acaoMultiple = false;
        String acaoSingle = null;
        if (acao != null) {
            if (acao.size() > 1) {
                acaoMultiple = true;
            } else {
                String v = trimOws(acao.get(0));
                if (isList(v)) {
                    acaoMultiple = true;
                } else {
                    acaoSingle = v;
                }
            }
        }
        final boolean acaoIsStar = "*".equals(acaoSingle);
        final boolean acaoIsOrigin = acaoSingle != null && acaoSingle.equals(origin);
        final boolean acaoIsNull = "null".equals(acaoSingle);
        final boolean acaoAllows = acaoIsOrigin || acaoIsStar;

        // --- which rules fire, on the response as written
        final boolean cg001 = credentialed && !acacValid;
        final boolean cg002 = credentialed && acaoIsStar;
        final boolean cg003 = acacHasTrue && acaoIsOrigin && !trusted;
        final boolean cg004 = credentialed && acaoIsNull && !settings.allowNullOrigin();
        final boolean cg005 = credentialed && acaoSingle != null && !acaoIsStar && !acaoIsOrigin;
        final boolean cg006 = acaoMultiple;
        final boolean cg007 = acaoIsOrigin && !acaoIsStar && !varyCoversOrigin(vary);
        final boolean acahStar = containsToken(acah, "*");
        final boolean acamStar = containsToken(acam, "*");
        final boolean acehStar = containsToken(aceh, "*");
        final boolean cg008 = preflight && credentialed && acahStar;
        final boolean cg009 = preflight && credentialed && acamStar;
        final boolean cg010 = credentialed && acehStar;
        final boolean cg011 = trusted && acaoAllows && !credentialed && (preflight || request.credentialsHint());
        final boolean cg012 = preflight && trusted && (response.status() < 200 || response.status() > 299);
        final boolean cg013 = credentialed && acaoMissing;
        final boolean cg014 = !trusted && privateNetworkAllowed(acapn);
        final boolean cg015 = preflight && trusted && acaoAllows && methodNotAllowed(request.requestMethod(), acam, acamStar);
        final boolean cg016 = preflight && trusted && acaoAllows
                && headerNotAllowed(request.requestHeaders(), acah, acahStar, credentialed);

        // --- does correct mode remove ACAC? For an untrusted origin every credentialed shape fires
        // a removing rule (CG002/3/4/5/6/13, or CG001 when ACAO equals the origin but ACAC is not
        // exactly "true"), which is the invariant: no ACAC: true to an untrusted origin.
        final boolean cg001Fix = cg001 && trusted && acacAllTrueVariants;
        final boolean strip = credentialed && ((cg001 && !cg001Fix)
                || (!trusted && (cg002 || cg003 || cg004 || cg005 || cg006 || cg013 || cg001)));
        final boolean grant = cg011 && settings.grantCredentials();
        // ACAC stays (fixed) or is granted: the trusted repairs apply
        final boolean keepsCredentials = trusted && ((credentialed && !strip) || grant);

        HeaderPatch.Builder patch = HeaderPatch.builder();
        List<Violation> out = null; // created by the first violation: compliant responses allocate none
        boolean setOrigin = false;
        boolean addVary = false;

        if (cg001) {
            // MDN: "The only valid value for this header is true (case-sensitive)"; false is merely pointless
            Severity severity = acacAllFalse ? Severity.HYGIENE : Rule.CG001.severity();
            out = violation(out, new Violation(Rule.CG001, severity, strip ? Action.STRIP_CREDENTIALS : Action.FIX_CREDENTIALS));
        }
        if (cg002) {
            // Fetch CORS check: "*" never matches when the request's credentials mode is "include"
            if (keepsCredentials) {
                setOrigin = true;
                out = violation(out, new Violation(Rule.CG002, Action.SET_ORIGIN));
            } else {
                out = violation(out, new Violation(Rule.CG002, Action.STRIP_CREDENTIALS));
            }
        }
        if (cg003) {
            out = violation(out, new Violation(Rule.CG003, Action.STRIP_CREDENTIALS));
        }
        if (cg004) {
            // for a trusted request origin CG005's correction applies instead of the removal
            if (keepsCredentials) {
                setOrigin = true;
                out = violation(out, new Violation(Rule.CG004, Action.SET_ORIGIN));
            } else {
                out = violation(out, new Violation(Rule.CG004, Action.STRIP_CREDENTIALS));
            }
        }
        if (cg005) {
            if (keepsCredentials) {
                setOrigin = true;
                out = violation(out, new Violation(Rule.CG005, Action.SET_ORIGIN));
            } else {
                out = violation(out, new Violation(Rule.CG005, Action.STRIP_CREDENTIALS));
            }
        }
        boolean collapseTo = false;      // untrusted CG006: one "*" or no ACAO at all
        boolean collapseToStar = false;
        if (cg006) {
            // Fetch CORS check: the ACAO value must be a single origin or "*"; a list never matches
            if (trusted) {
                setOrigin = true;
                out = violation(out, new Violation(Rule.CG006, Action.SET_ORIGIN));
            } else {
                collapseTo = true;
                collapseToStar = containsToken(acao, "*");
                out = violation(out, new Violation(Rule.CG006, Action.SINGLE_ORIGIN));
            }
        }
        if (setOrigin && !isHeaderSafe(origin)) {
            setOrigin = false; // unreachable: a trusted origin is visible ASCII; never echo CR/LF
        }
        if (cg007) {
            addVary = true; // Fetch "CORS protocol and HTTP caches": a reflected ACAO needs Vary: Origin
        }
        List<String> varyLines = null;
        if (setOrigin || addVary) {
            varyLines = varyWithOrigin(vary);
        }
        if (cg007) {
            out = violation(out, new Violation(Rule.CG007, varyLines != null || varyCoversOrigin(vary) ? Action.ADD_VARY : Action.REPORTED));
        }

        String newAcah = null;
        String newAcam = null;
        String newAceh = null;
        if (cg008) {
            // credentials make "*" a literal header name (Fetch CORS-preflight fetch, step 7)
            if (strip) {
                out = violation(out, new Violation(Rule.CG008, Action.STRIP_CREDENTIALS));
            } else {
                newAcah = replaceStar(acah, allowedHeadersFor(request), false);
                out = violation(out, new Violation(Rule.CG008, newAcah != null ? Action.REPLACE_ALLOW_HEADERS : Action.REPORTED));
            }
        }
        if (cg009) {
            if (strip) {
                out = violation(out, new Violation(Rule.CG009, Action.STRIP_CREDENTIALS));
            } else {
                newAcam = replaceStar(acam, allowedMethodsFor(request), true);
                out = violation(out, new Violation(Rule.CG009, newAcam != null ? Action.REPLACE_ALLOW_METHODS : Action.REPORTED));
            }
        }
        if (cg010) {
            if (strip) {
                out = violation(out, new Violation(Rule.CG010, Action.STRIP_CREDENTIALS));
            } else {
                newAceh = replaceStar(aceh, settings.exposedHeaders(), false);
                out = violation(out, new Violation(Rule.CG010, newAceh != null ? Action.REPLACE_EXPOSE_HEADERS : Action.REPORTED));
            }
        }
        if (cg011) {
            if (grant) {
                // MDN: simple requests are not preflighted, so the response itself must carry ACAC;
                // then the repairs CG002 and CG008-CG010 would make had ACAC been written
                out = violation(out, new Violation(Rule.CG011, Action.GRANT_CREDENTIALS));
                if (acaoIsStar && isHeaderSafe(origin)) {
                    setOrigin = true;
                    varyLines = varyWithOrigin(vary);
                }
                if (preflight && acahStar) {
                    newAcah = replaceStar(acah, allowedHeadersFor(request), false);
                }
                if (preflight && acamStar) {
                    newAcam = replaceStar(acam, allowedMethodsFor(request), true);
                }
                if (acehStar) {
                    newAceh = replaceStar(aceh, settings.exposedHeaders(), false);
                }
            } else {
                out = violation(out, new Violation(Rule.CG011, Action.REPORTED));
            }
        }
        if (cg012) {
            out = violation(out, new Violation(Rule.CG012, Action.REPORTED));
        }
        if (cg013) {
            out = violation(out, new Violation(Rule.CG013, strip ? Action.STRIP_CREDENTIALS : Action.REPORTED));
        }
        if (cg014) {
            // Private Network Access: the preflight grant lets a public page reach the intranet
            out = violation(out, new Violation(Rule.CG014, Action.STRIP_PRIVATE_NETWORK));
            patch.remove(ACAPN);
        }
        if (cg015) {
            out = violation(out, new Violation(Rule.CG015, Action.REPORTED));
        }
        if (cg016) {
            out = violation(out, new Violation(Rule.CG016, Action.REPORTED));
        }
        if (out == null) {
            return null;
        }

        if (strip) {
            patch.remove(ACAC);
        } else if (cg001Fix || grant) {
            patch.set(ACAC, "true");
        }
        if (setOrigin) {
            patch.set(ACAO, origin);
        } else if (collapseTo) {
            if (collapseToStar) {
                patch.set(ACAO, "*");
            } else {
                patch.remove(ACAO);
            }
        }
        if (varyLines != null) {
            patch.replace(VARY, varyLines);
        }
        if (newAcah != null) {
            patch.set(ACAH, newAcah);
        }
        if (newAcam != null) {
            patch.set(ACAM, newAcam);
        }
        if (newAceh != null) {
            patch.set(ACEH, newAceh);
        }
        return new Decision(out, patch.build());
    }

    private boolean isTrusted(String origin) {
        if ("null".equals(origin)) {
            // sandboxed iframes, data: and file: pages, some redirects all send "null"
            return settings.allowNullOrigin();
        }
        OriginAllowlist allowlist = settings.allowedOrigins();
        return allowlist != null && allowlist.trusts(origin);
    }

    private List<String> allowedHeadersFor(RequestFacts request) {
        if (!settings.allowedHeaders().isEmpty()) {
            return settings.allowedHeaders();
        }
        return request.requestHeaders() == null ? Collections.<String>emptyList() : tokens(request.requestHeaders(), false);
    }

    private List<String> allowedMethodsFor(RequestFacts request) {
        if (!settings.allowedMethods().isEmpty()) {
            return settings.allowedMethods();
        }
        String m = request.requestMethod() == null ? "" : trimOws(request.requestMethod());
        return m.isEmpty() ? Collections.<String>emptyList() : Collections.singletonList(m);
    }

    private static List<Violation> violation(List<Violation> out, Violation v) {
        if (out == null) {
            out = new ArrayList<>(4);
        }
        out.add(v);
        return out;
    }

    /** The lines of one name: a singleton for the usual one line, a list from the second on. Read only. */
    private static List<String> add(List<String> list, String value) {
        String v = value == null ? "" : value;
        if (list == null) {
            return Collections.singletonList(v);
        }
        if (!(list instanceof ArrayList)) {
            List<String> more = new ArrayList<>(4);
            more.add(list.get(0));
            list = more;
        }
        list.add(v);
        return list;
    }

    /** Fetch "normalize": header values lose leading and trailing HTTP whitespace. */
    static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isOws(s.charAt(start))) {
            start++;
        }
        while (end > start && isOws(s.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** An ACAO value holding several origins ({@code a, b} or {@code a b}): CG006. */
    private static boolean isList(String trimmed) {
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                return true;
            }
        }
        return false;
    }

    /**
     * The comma-separated tokens of a header value, trimmed. With {@code keepEmpty} an empty value
     * or an empty list element is a token (ACAC {@code ""} is an invalid value, not no value).
     */
    static List<String> tokens(String value, boolean keepEmpty) {
        List<String> out = new ArrayList<>(4);
        int start = 0;
        int n = value.length();
        while (start <= n) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            String t = trimOws(value.substring(start, end));
            if (keepEmpty || !t.isEmpty()) {
                out.add(t);
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return out;
    }

    private static boolean containsToken(List<String> lines, String token) {
        return containsToken(lines, token, false);
    }

    private static boolean containsTokenIgnoreCase(List<String> lines, String token) {
        return containsToken(lines, token, true);
    }

    /**
     * Whether a token of {@code tokens(line, false)} of some line equals {@code token} (never
     * empty), scanned in place: Vary and the allow lists are checked on every judged response.
     */
    private static boolean containsToken(List<String> lines, String token, boolean ignoreCase) {
        if (lines == null) {
            return false;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int n = line.length();
            int start = 0;
            while (start <= n) {
                int comma = line.indexOf(',', start);
                int end = comma < 0 ? n : comma;
                int s = tokenStart(line, start, end);
                if (tokenIs(line, s, tokenEnd(line, s, end), token, ignoreCase)) {
                    return true;
                }
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
        }
        return false;
    }

    /** First index in {@code [from, to)} after leading OWS. */
    private static int tokenStart(String s, int from, int to) {
        while (from < to && isOws(s.charAt(from))) {
            from++;
        }
        return from;
    }

    /** End of {@code [from, to)} before trailing OWS. */
    private static int tokenEnd(String s, int from, int to) {
        while (to > from && isOws(s.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    /**
     * Which CORS response header {@code name} is (case-insensitive): 1 ACAO, 2 ACAC, 3 ACAM, 4 ACAH,
     * 5 ACEH, 6 Vary, 7 ACAPN, 0 none. Told apart by length first, so each line costs at most one
     * case-insensitive comparison instead of a walk down the list.
     */
    static int corsHeader(String name) {
        switch (name.length()) {
            case 4:
                return name.equalsIgnoreCase(VARY) ? 6 : 0;
            case 27:
                return name.equalsIgnoreCase(ACAO) ? 1 : 0;
            case 28:
                return name.equalsIgnoreCase(ACAM) ? 3 : name.equalsIgnoreCase(ACAH) ? 4 : 0;
            case 29:
                return name.equalsIgnoreCase(ACEH) ? 5 : 0;
            case 32:
                return name.equalsIgnoreCase(ACAC) ? 2 : 0;
            case 36:
                return name.equalsIgnoreCase(ACAPN) ? 7 : 0;
            default:
                return 0;
        }
    }

    /** {@code s[from, to)} equals {@code token} (as {@code equals} / {@code equalsIgnoreCase} would say). */
    private static boolean tokenIs(String s, int from, int to, String token, boolean ignoreCase) {
        return to - from == token.length() && s.regionMatches(ignoreCase, from, token, 0, token.length());
    }

    /** {@code Vary: *} already makes every request a cache miss. */
    private static boolean varyCoversOrigin(List<String> vary) {
        return containsTokenIgnoreCase(vary, "origin") || containsToken(vary, "*");
    }

    /**
     * The Vary lines after ensuring Origin: appended to the last line, or a new line when there is
     * none; null when nothing needs to change or the lines cannot be re-emitted safely.
     */
    private static List<String> varyWithOrigin(List<String> vary) {
        if (varyCoversOrigin(vary)) {
            return null;
        }
        List<String> lines = new ArrayList<>(vary == null ? 1 : vary.size());
        if (vary == null) {
            lines.add("Origin");
            return lines;
        }
        for (String line : vary) {
            if (!isHeaderSafe(line)) {
                return null; // never re-emit CR/LF; the app's lines stay as written
            }
            lines.add(line);
        }
        int last = lines.size() - 1;
        String tail = trimTrailing(lines.get(last));
        // an empty last line or one ending in a dangling comma takes the token directly
        if (tail.isEmpty() || tail.charAt(tail.length() - 1) == ',') {
            tail = tail.isEmpty() ? "Origin" : tail + " Origin";
        } else {
            tail = tail + ", Origin";
        }
        lines.set(last, tail);
        return lines;
    }

    private static String trimTrailing(String s) {
        int end = s.length();
        while (end > 0 && isOws(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * One line holding the tokens of {@code lines} with {@code *} replaced by {@code replacement},
     * other tokens kept, duplicates dropped; null when there is no replacement or the result could
     * carry CR/LF. Method names compare case-sensitively (Fetch: {@code patch} is not {@code PATCH}),
     * header names case-insensitively.
     */
    private static String replaceStar(List<String> lines, List<String> replacement, boolean caseSensitive) {
        if (lines == null || replacement.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            for (String t : tokens(line, false)) {
                if (t.equals("*")) {
                    for (String r : replacement) {
                        String rt = trimOws(r);
                        if (!rt.isEmpty() && !rt.equals("*")) {
                            addUnique(out, rt, caseSensitive);
                        }
                    }
                } else {
                    addUnique(out, t, caseSensitive);
                }
            }
        }
        if (out.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String t : out) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(t);
        }
        String value = sb.toString();
        return isHeaderSafe(value) ? value : null;
    }

    private static void addUnique(List<String> out, String token, boolean caseSensitive) {
        for (String t : out) {
            if (caseSensitive ? t.equals(token) : t.equalsIgnoreCase(token)) {
                return;
            }
        }
        out.add(token);
    }

    /** A value the patch may carry: no CR, LF or NUL (header injection / response splitting). */
    static boolean isHeaderSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean privateNetworkAllowed(List<String> acapn) {
        if (acapn == null) {
            return false;
        }
        for (String v : acapn) {
            // any case: stripping a grant a browser might ignore costs nothing
            if ("true".equalsIgnoreCase(trimOws(v))) {
                return true;
            }
        }
        return false;
    }

    /** CG015: Fetch CORS-preflight fetch step 7, method check; GET/HEAD/POST are CORS-safelisted. */
    private static boolean methodNotAllowed(String requestMethod, List<String> acam, boolean acamStar) {
        if (requestMethod == null || acamStar) {
            return false; // "*" without ACAC allows all; with ACAC it is CG009's case
        }
        String m = trimOws(requestMethod);
        if (m.isEmpty() || m.equals("GET") || m.equals("HEAD") || m.equals("POST")) {
            return false;
        }
        return !containsToken(acam, m);
    }

    /** CG016: Fetch CORS-preflight fetch step 7, header check; "*" never covers Authorization. */
    private static boolean headerNotAllowed(String requestHeaders, List<String> acah, boolean acahStar,
                                            boolean credentialed) {
        if (requestHeaders == null || (acahStar && credentialed)) {
            return false; // a "*" with ACAC is CG008's case
        }
        for (String name : tokens(requestHeaders, false)) {
            if (containsTokenIgnoreCase(acah, name)) {
                continue;
            }
            if (acahStar && !name.equalsIgnoreCase("authorization")) {
                continue;
            }
            return true;
        }
        return false;
    }
}
