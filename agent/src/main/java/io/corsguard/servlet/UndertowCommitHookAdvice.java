package io.corsguard.servlet;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code HttpServerExchange.startResponse()}: every response of Undertow
 * (servlet or plain handlers) passes it once, with the response {@code HeaderMap} complete and
 * still editable (DESIGN §5). Inlined: references only Undertow, java.* and bootstrap types.
 */
public final class UndertowCommitHookAdvice {

    private UndertowCommitHookAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This HttpServerExchange exchange) {
        if (!CorsGuardBridge.active()) {
            return;
        }
        HeaderMap in = exchange.getRequestHeaders();
        HeaderValues origins = in.get("Origin");
        if (origins == null || origins.isEmpty() || exchange.isResponseStarted()
            || !CorsGuardBridge.enabled("undertow-commit-hook")) {
            return;
        }
        HeaderMap out = exchange.getResponseHeaders();
        String[] ops;
        try {
            String origin = origins.getFirst();
            if (origins.size() > 1) {
                // several Origin lines are judged as one list, as the browser never sends them
                StringBuilder all = new StringBuilder(origin);
                for (int i = 1; i < origins.size(); i++) {
                    all.append(", ").append(origins.get(i));
                }
                origin = all.toString();
            }
            CapturedRequest facts = new CapturedRequest(origin, exchange.getRequestMethod().toString(),
                exchange.getRequestURI(), in.getFirst("Access-Control-Request-Method"),
                in.getFirst("Access-Control-Request-Headers"), in.contains("Cookie") || in.contains("Authorization"));
            String[] lines = new String[8];
            int n = 0;
            // the map's own order is the order Undertow writes the head in
            for (HeaderValues values : out) {
                String name = values.getHeaderName().toString();
                if (CorsGuardBridge.isCorsHeader(name)) {
                    for (int i = 0; i < values.size(); i++) {
                        if (2 * n + 2 > lines.length) {
                            lines = java.util.Arrays.copyOf(lines, lines.length * 2);
                        }
                        lines[2 * n] = name;
                        lines[2 * n + 1] = values.get(i);
                        n++;
                    }
                }
            }
            ops = CorsGuardBridge.decide("servlet", facts, exchange.getStatusCode(), lines, n);
        } catch (Throwable failure) {
            ops = CorsGuardBridge.adviceFailed("undertow-commit-hook", failure);
        }
        if (ops == null) {
            return;
        }
        for (int i = 0; i + 1 < ops.length; i += 2) {
            if (ops[i + 1] == null) {
                // removes every line of the name, case-insensitively
                out.remove(ops[i]);
            } else {
                out.add(new HttpString(ops[i]), ops[i + 1]);
            }
        }
    }
}
