package io.corsguard.servlet;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every decide() call and answers with a scripted policy. */
final class FakeHandler implements CorsGuardHandler {

    static final String TRUSTED = "https://trusted.example";
    static final String ACAO = "Access-Control-Allow-Origin";
    static final String ACAC = "Access-Control-Allow-Credentials";

    /** What the policy sees and answers; lines as "name: value" strings. */
    interface Script {
        String[] decide(CapturedRequest request, int status, List<String> lines);
    }

    /** One decide() call, as the handler saw it. */
    static final class Call {
        final String server;
        final CapturedRequest request;
        final int status;
        final List<String> lines;

        Call(String server, CapturedRequest request, int status, List<String> lines) {
            this.server = server;
            this.request = request;
            this.status = status;
            this.lines = lines;
        }

        @Override
        public String toString() {
            return status + " " + lines;
        }
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** preview() calls: the generic layer's write-time questions, answered by the same script. */
    final List<Call> previews = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    volatile Script script = FakeHandler::miniPolicy;
    volatile boolean commitHook = true;
    volatile boolean stripOnError;
    /** Sees each call as it is made (the child JVM prints them for the parent). */
    volatile java.util.function.Consumer<Call> listener = c -> { };

    @Override
    public String[] decide(String server, CapturedRequest request, int status, String[] lines, int lineCount) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < lineCount; i++) {
            seen.add(lines[2 * i] + ": " + lines[2 * i + 1]);
        }
        Call call = new Call(server, request, status, seen);
        calls.add(call);
        listener.accept(call);
        return script.decide(request, status, seen);
    }

    @Override
    public String[] preview(String server, CapturedRequest request, int status, String[] lines, int lineCount) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < lineCount; i++) {
            seen.add(lines[2 * i] + ": " + lines[2 * i + 1]);
        }
        previews.add(new Call(server, request, status, seen));
        return script.decide(request, status, seen);
    }

    @Override
    public void adviceFailed(String where, Throwable failure) {
        failures.add(where + ": " + failure);
    }

    @Override
    public boolean stripOnError() {
        return stripOnError;
    }

    @Override
    public boolean enabled(String feature) {
        return ("tomcat-commit-hook".equals(feature) || "jetty12-commit-hook".equals(feature)
            || "undertow-commit-hook".equals(feature)) && commitHook;
    }

    Call lastCall() {
        return calls.get(calls.size() - 1);
    }

    /**
     * A stand-in for the real policy: an untrusted origin loses ACAC, a trusted credentialed one
     * gets its origin echoed in ACAO, and a response with ACAO gets Origin in Vary.
     */
    static String[] miniPolicy(CapturedRequest request, int status, List<String> lines) {
        List<String> ops = new ArrayList<>();
        boolean credentials = false;
        boolean varyOrigin = false;
        List<String> origins = new ArrayList<>();
        for (String line : lines) {
            String name = line.substring(0, line.indexOf(':'));
            String value = line.substring(line.indexOf(':') + 2);
            if (name.equalsIgnoreCase(ACAC)) {
                credentials |= value.equals("true");
            } else if (name.equalsIgnoreCase(ACAO)) {
                origins.add(value);
            } else if (name.equalsIgnoreCase("Vary")) {
                varyOrigin |= value.toLowerCase().contains("origin");
            }
        }
        boolean trusted = TRUSTED.equals(request.origin);
        if (credentials && !trusted) {
            ops.addAll(Arrays.asList(ACAC, null));
        }
        if (credentials && trusted && !origins.equals(List.of(request.origin))) {
            ops.addAll(Arrays.asList(ACAO, null, ACAO, request.origin));
        }
        if (!origins.isEmpty() && !varyOrigin) {
            ops.addAll(Arrays.asList("Vary", "Origin"));
        }
        return ops.isEmpty() ? null : ops.toArray(new String[0]);
    }
}
