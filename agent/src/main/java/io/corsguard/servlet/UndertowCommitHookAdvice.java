package io.corsguard.servlet;

import io.corsguard.bootstrap.AdviceSupport;
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
            // several Origin lines are judged as one list, as the browser never sends them
            String origin = AdviceSupport.join(origins);
            CapturedRequest facts = new CapturedRequest(origin, exchange.getRequestMethod().toString(),
                exchange.getRequestURI(), in.getFirst("Access-Control-Request-Method"),
                in.getFirst("Access-Control-Request-Headers"), in.contains("Cookie") || in.contains("Authorization"));
            String[] lines = null;
            int n = 0;
            // the map's own order is the order Undertow writes the head in
            for (HeaderValues values : out) {
                String name = values.getHeaderName().toString();
                if (CorsGuardBridge.isCorsHeader(name)) {
                    for (int i = 0; i < values.size(); i++) {
                        lines = AdviceSupport.addLine(lines, n, name, values.get(i));
                        n++;
                    }
                }
            }
            ops = CorsGuardBridge.decide("servlet", facts, exchange.getStatusCode(), lines == null ? AdviceSupport.NO_LINES : lines, n);
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
