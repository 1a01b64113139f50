package io.corsguard.servlet;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.bootstrap.ServletLayer;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The generic servlet layer, for containers without a commit hook: one logic for javax and
 * jakarta, fed by the thin advice shells. It keeps, per response, the request facts and the CORS
 * lines as the app wrote them (the "view"), corrects what is safe at write time, makes the one
 * reported decision at the first point before commit it can see (the body channel at the latest)
 * and afterwards corrects each CORS write as it comes. See README-generic-layer.md for what it cannot do.
 */
public final class GenericServletLayer implements ServletLayer {

    static final String SERVER = "servlet";
    private static final String ACAO = "Access-Control-Allow-Origin";
    private static final String VARY = "Vary";

    private final WeakIdentityMap<State> states = new WeakIdentityMap<>();

    @Override
    public void begin(Object response, boolean fresh, String origin, Enumeration<String> origins, String method,
                      String path, String requestMethod, String requestHeaders, boolean credentialsHint) {
        if (ServletBridge.commitHookJudges(response)) {
            // the container (Tomcat, Undertow) judges at commit: keeping no state here makes every other call a no-op
            return;
        }
        if (!fresh) {
            State existing = states.get(response);
            if (existing != null) {
                return;
            }
        }
        states.put(response, new State(new CapturedRequest(joined(origin, origins), method, path,
            requestMethod, requestHeaders, credentialsHint)));
    }

    @Override
    public String[] onWrite(Object response, String name, String value, boolean add, int status) {
        State s = states.get(response);
        if (s == null) {
            return null;
        }
        if (s.applying) {
            // the shell's own writes; a null value is a removal the container performed
            write(s.sent, name, value, add);
            return null;
        }
        if (!add) {
            s.removeAll(name);
        }
        if (value != null) {
            s.add(name, value);
        }
        s.dirty = true;
        if (value == null) {
            // a removal the container performed: judged at the next point before commit
            removeAll(s.sent, name);
            return null;
        }
        // what the container holds if the call proceeds
        List<String> after = new ArrayList<>(s.sent);
        write(after, name, value, add);
        // never reported: the one decide() per response is made at the first point before commit
        String[] ops = CorsGuardBridge.preview(SERVER, s.request, status, s.lines(), s.count());
        List<String> target = applied(s.pairs, ops);
        List<String> names;
        if (s.decided) {
            // After the decision (the app has the body channel, or flushed): this may be the last
            // point before commit the layer sees, so every CORS name is made what the preview
            // makes of the view, the written one included.
            s.dirty = false;
            names = names(after, target);
        } else {
            // Before the decision the head is not complete: only the written name is made what
            // the preview makes of it (other names wait for the decision). Its earlier
            // write-time corrections are in the container's lines, not in the view, so a name the
            // preview leaves alone goes back to the app's lines (e.g. a Vary line holding Origin
            // written after Origin was appended to another).
            names = new ArrayList<>(1);
            names.add(name);
        }
        if (plan(after, target, names).isEmpty()) {
            s.sent.clear();
            s.sent.addAll(after);
            return null;
        }
        // instead of the call: the name's lines (and after the decision every other name's)
        // written as the target, first with setHeader (replacing every line of the name), the
        // rest added; none: setHeader(name, null), which Servlet 6 containers perform as removal
        // and older ones ignore, so the write is skipped at least (an untrusted origin's ACAC or
        // Access-Control-Allow-Private-Network, CG014, ...)
        if (!containsIgnoreCase(names, name)) {
            names.add(name);
        }
        s.expected = s.decided ? target : null;
        s.applying = true;
        return plan(s.sent, target, names).toArray(new String[0]);
    }

    @Override
    public String[] beforeCommit(Object response, int status) {
        State s = states.get(response);
        if (s == null || s.applying) {
            return null;
        }
        String[] ops;
        if (!s.decided) {
            // the first point before commit: the one reported decision of this response
            s.decided = true;
            s.dirty = false;
            ops = CorsGuardBridge.decide(SERVER, s.request, status, s.lines(), s.count());
        } else if (s.dirty) {
            // changed since the decision (a removal, reset()): corrected, not reported again
            s.dirty = false;
            ops = CorsGuardBridge.preview(SERVER, s.request, status, s.lines(), s.count());
        } else {
            return null;
        }
        if ((ops == null || ops.length == 0) && s.sent.equals(s.pairs)) {
            // nothing to change (the common case, with no CORS line at all): nothing allocated
            return null;
        }
        // every CORS name is made what the ops make of the view, including names corrected at
        // write time that the decision leaves as the app wrote them
        List<String> target = applied(s.pairs, ops);
        List<String> plan = plan(s.sent, target, names(s.sent, target));
        if (plan.isEmpty()) {
            return null;
        }
        s.expected = target;
        s.applying = true;
        return plan.toArray(new String[0]);
    }

    @Override
    public String[] settle(Object response, int status) {
        State s = states.get(response);
        if (s == null || !s.applying || s.expected == null) {
            return null;
        }
        List<String> expected = s.expected;
        s.expected = null;
        if (plan(s.sent, expected, names(s.sent, expected)).isEmpty()) {
            return null;
        }
        // The container ignored a removal (before Servlet 6): a line the app wrote earlier, which
        // its write-time preview kept, stays. What is sent is then judged as it is (unreported),
        // so it stays consistent: e.g. an ACAC that stays keeps its ACAO set to the origin and
        // Vary: Origin.
        String[] ops = CorsGuardBridge.preview(SERVER, s.request, status, s.sent.toArray(new String[0]), s.sent.size() / 2);
        List<String> target = applied(s.sent, ops);
        if (!values(target, ACAO).equals(values(s.pairs, ACAO)) && !coversOrigin(values(target, VARY))) {
            for (String v : values(target, ACAO)) {
                if (!v.equals("*")) {
                    // an ACAO line that differs from the app's because a removal failed: what is
                    // sent depends on the request's Origin, and a cache must know it
                    target.add(VARY);
                    target.add("Origin");
                    break;
                }
            }
        }
        List<String> plan = plan(s.sent, target, names(s.sent, target));
        if (plan.isEmpty()) {
            return null;
        }
        s.expected = target;
        return plan.toArray(new String[0]);
    }

    /**
     * The plan that makes each of {@code names} hold exactly its lines in {@code target}, given the
     * container holds {@code current}: {@code setHeader} replaces every line of the name, so the
     * first value is set, the rest added (only the new ones when the current lines begin the
     * target); none: {@code setHeader(name, null)}. Names whose lines already match are left alone.
     */
    private static List<String> plan(List<String> current, List<String> target, List<String> names) {
        List<String> plan = new ArrayList<>();
        for (String name : names) {
            List<String> want = values(target, name);
            List<String> have = values(current, name);
            if (have.equals(want)) {
                continue;
            }
            String kind = ServletBridge.SET;
            int from = 0;
            if (!have.isEmpty() && want.size() > have.size() && want.subList(0, have.size()).equals(have)) {
                // lines only added (Vary: Origin after the app's Vary lines): the app's lines are
                // not written again, so a value the policy would not re-emit is left as it is
                kind = ServletBridge.ADD;
                from = have.size();
            }
            for (String v : want.subList(from, want.size())) {
                plan.add(kind);
                plan.add(name);
                plan.add(v);
                kind = ServletBridge.ADD;
            }
            if (want.isEmpty()) {
                plan.add(kind);
                plan.add(name);
                plan.add(null);
            }
        }
        return plan;
    }

    /** The names (first spelling) of the lines in {@code a} and {@code b}, each once, any case. */
    private static List<String> names(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(4);
        addNames(out, b);
        addNames(out, a);
        return out;
    }

    private static void addNames(List<String> out, List<String> lines) {
        for (int i = 0; i < lines.size(); i += 2) {
            if (!containsIgnoreCase(out, lines.get(i))) {
                out.add(lines.get(i));
            }
        }
    }

    private static List<String> values(List<String> lines, String name) {
        List<String> out = new ArrayList<>(2);
        for (int i = 0; i < lines.size(); i += 2) {
            if (lines.get(i).equalsIgnoreCase(name)) {
                out.add(lines.get(i + 1));
            }
        }
        return out;
    }

    /** A Vary token {@code Origin} (any case) or {@code *}. */
    private static boolean coversOrigin(List<String> vary) {
        for (String line : vary) {
            for (String token : line.split(",")) {
                String t = token.trim();
                if (t.equalsIgnoreCase("Origin") || t.equals("*")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A write as the container performs it: setHeader replaces every line of the name; a null value removes. */
    private static void write(List<String> lines, String name, String value, boolean add) {
        if (!add) {
            removeAll(lines, name);
        }
        if (value != null) {
            lines.add(name);
            lines.add(value);
        }
    }

    private static void removeAll(List<String> lines, String name) {
        for (int j = lines.size() - 2; j >= 0; j -= 2) {
            if (lines.get(j).equalsIgnoreCase(name)) {
                lines.remove(j + 1);
                lines.remove(j);
            }
        }
    }

    @Override
    public String[] end(Object response, int status, boolean asyncStarted) {
        State s = states.get(response);
        if (s == null || asyncStarted) {
            return null;
        }
        s.closing = true;
        return beforeCommit(response, status);
    }

    @Override
    public String[] complete(Object response, int status) {
        return end(response, status, false);
    }

    @Override
    public void applied(Object response) {
        State s = states.get(response);
        if (s == null) {
            return;
        }
        s.applying = false;
        s.expected = null;
        if (s.closing) {
            states.remove(response);
        }
    }

    @Override
    public void reset(Object response) {
        State s = states.get(response);
        if (s != null && !s.applying) {
            s.clear();
            s.sent.clear();
            s.dirty = true;
        }
    }

    /** Responses with live state; for tests (state must be released at the end). */
    int trackedResponses() {
        return states.size();
    }

    /** The lines after the ops, as pairs (bridge contract: null removes all lines of a name). */
    private static List<String> applied(List<String> lines, String[] ops) {
        List<String> out = new ArrayList<>(lines);
        for (int i = 0; ops != null && i + 1 < ops.length; i += 2) {
            if (ops[i + 1] == null) {
                for (int j = out.size() - 2; j >= 0; j -= 2) {
                    if (out.get(j).equalsIgnoreCase(ops[i])) {
                        out.remove(j + 1);
                        out.remove(j);
                    }
                }
            } else {
                out.add(ops[i]);
                out.add(ops[i + 1]);
            }
        }
        return out;
    }

    private static boolean containsIgnoreCase(List<String> names, String name) {
        for (String n : names) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static String joined(String first, Enumeration<String> all) {
        if (all == null) {
            return first;
        }
        StringBuilder sb = null;
        while (all.hasMoreElements()) {
            String v = all.nextElement();
            sb = sb == null ? new StringBuilder(v) : sb.append(", ").append(v);
        }
        return sb == null ? first : sb.toString();
    }

    /** One response's state. Written by the thread(s) serving it, one at a time. */
    private static final class State {
        final CapturedRequest request;
        /** The CORS lines as the app wrote them: name/value pairs in order. */
        final List<String> pairs = new ArrayList<>(8);
        /** The CORS lines the container holds (the app's writes as they passed, and the layer's). */
        final List<String> sent = new ArrayList<>(8);
        /** What the plan being applied makes of the lines, checked by settle(); null before the decision. */
        List<String> expected;
        /** The reported decision was made (once per response); later points only correct. */
        boolean decided;
        /** Written since the decision and not yet corrected for. */
        boolean dirty;
        /** The shell is applying a plan: its own writes pass through unjudged. */
        boolean applying;
        /** Release the state once the current plan is applied. */
        boolean closing;

        State(CapturedRequest request) {
            this.request = request;
        }

        void add(String name, String value) {
            pairs.add(name);
            pairs.add(value);
        }

        void removeAll(String name) {
            for (int j = pairs.size() - 2; j >= 0; j -= 2) {
                if (pairs.get(j).equalsIgnoreCase(name)) {
                    pairs.remove(j + 1);
                    pairs.remove(j);
                }
            }
        }

        void clear() {
            pairs.clear();
        }

        int count() {
            return pairs.size() / 2;
        }

        String[] lines() {
            return pairs.toArray(new String[0]);
        }
    }
}
