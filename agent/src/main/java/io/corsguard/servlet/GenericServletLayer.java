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
        if (s == null || s.applying) {
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
            return null;
        }
        // never reported: the one decide() per response is made at the first point before commit
        String[] ops = CorsGuardBridge.preview(SERVER, s.request, status, s.lines(), s.count());
        if (s.decided) {
            // After the decision (the app has the body channel, or flushed): this may be the last
            // point before commit the layer sees, so every name the preview touches is set now,
            // the written one included.
            s.dirty = false;
            if (ops == null || ops.length == 0) {
                return null;
            }
            List<String> plan = plan(s, ops);
            if (!touches(ops, name)) {
                plan.add(0, value);
                plan.add(0, name);
                plan.add(0, add ? ServletBridge.ADD : ServletBridge.SET);
            }
            s.applying = true;
            return plan.toArray(new String[0]);
        }
        // Before the decision the head is not complete: only the written name is corrected here
        // (other names wait for the decision).
        if (ops == null || !touches(ops, name)) {
            return null;
        }
        List<String> corrected = applied(s, ops);
        List<String> target = new ArrayList<>(2);
        for (int i = 0; i < corrected.size(); i += 2) {
            if (corrected.get(i).equalsIgnoreCase(name)) {
                target.add(corrected.get(i + 1));
            }
        }
        if (!add && target.size() == 1 && target.get(0).equals(value)) {
            return null;
        }
        // Instead of the call, one setHeader replacing all of the name's lines: none (the ops
        // remove every line of the name, e.g. an untrusted origin's ACAC or
        // Access-Control-Allow-Private-Network: the write is skipped, and earlier lines go too where
        // setHeader(name, null) removes, as in Servlet 6 containers), or one, list headers (Vary)
        // joined with ", ".
        s.applying = true;
        return new String[] {ServletBridge.SET, name, target.isEmpty() ? null : join(target)};
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
        if (ops == null || ops.length == 0) {
            return null;
        }
        List<String> plan = plan(s, ops);
        s.applying = true;
        return plan.toArray(new String[0]);
    }

    /**
     * The plan that makes every name the ops touch what the ops make of the view: {@code setHeader}
     * replaces every line of the name, so the result is exactly the target (first value set, the
     * rest added; none: {@code setHeader(name, null)}).
     */
    private static List<String> plan(State s, String[] ops) {
        List<String> corrected = applied(s, ops);
        List<String> plan = new ArrayList<>();
        List<String> done = new ArrayList<>(4);
        for (int i = 0; i < ops.length; i += 2) {
            String name = ops[i];
            if (containsIgnoreCase(done, name)) {
                continue;
            }
            done.add(name);
            String kind = ServletBridge.SET;
            for (int j = 0; j < corrected.size(); j += 2) {
                if (corrected.get(j).equalsIgnoreCase(name)) {
                    plan.add(kind);
                    plan.add(name);
                    plan.add(corrected.get(j + 1));
                    kind = ServletBridge.ADD;
                }
            }
            if (kind == ServletBridge.SET) {
                plan.add(kind);
                plan.add(name);
                plan.add(null);
            }
        }
        return plan;
    }

    private static boolean touches(String[] ops, String name) {
        for (int i = 0; i < ops.length; i += 2) {
            if (ops[i].equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
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
        if (s.closing) {
            states.remove(response);
        }
    }

    @Override
    public void reset(Object response) {
        State s = states.get(response);
        if (s != null && !s.applying) {
            s.clear();
            s.dirty = true;
        }
    }

    /** Responses with live state; for tests (state must be released at the end). */
    int trackedResponses() {
        return states.size();
    }

    /** The view after the ops, as pairs (bridge contract: null removes all lines of a name). */
    private static List<String> applied(State s, String[] ops) {
        List<String> out = new ArrayList<>(s.pairs);
        for (int i = 0; i + 1 < ops.length; i += 2) {
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

    private static String join(List<String> values) {
        if (values.size() == 1) {
            return values.get(0);
        }
        StringBuilder sb = new StringBuilder();
        for (String v : values) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(v);
        }
        return sb.toString();
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
