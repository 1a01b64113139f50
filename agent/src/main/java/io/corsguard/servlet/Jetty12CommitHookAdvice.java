package io.corsguard.servlet;

import io.corsguard.bootstrap.AdviceSupport;
import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.internal.ResponseHttpFields;

/**
 * Inlined at the start of Jetty 12's {@code ChannelResponse.lockedPrepareResponse(...)}: every
 * response passes it once, at commit, with its {@code HttpFields} complete and still mutable
 * (DESIGN §5). Typed against the core {@code Response}/{@code Request} interfaces and
 * {@code ResponseHttpFields}, the fields behind them.
 * Inlined: references only Jetty core, java.* and bootstrap types.
 */
public final class Jetty12CommitHookAdvice {

    private Jetty12CommitHookAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Response response) {
        if (!CorsGuardBridge.active()) {
            return;
        }
        Request request = response.getRequest();
        HttpFields in = request.getHeaders();
        String origin = in.get("Origin");
        if (origin == null || !CorsGuardBridge.enabled("jetty12-commit-hook")) {
            return;
        }
        HttpFields.Mutable out = response.getHeaders();
        if (out instanceof ResponseHttpFields) {
            // the write that commits has already marked these fields committed, so the public view
            // rejects changes; the underlying fields are what lockedPrepareResponse sends
            out = ((ResponseHttpFields) out).getMutableHttpFields();
        }
        String[] ops;
        try {
            // several Origin lines are judged as one list, as the browser never sends them
            origin = AdviceSupport.join(in.getValuesList("Origin"));
            CapturedRequest facts = new CapturedRequest(origin, request.getMethod(), request.getHttpURI().getPath(),
                in.get("Access-Control-Request-Method"), in.get("Access-Control-Request-Headers"),
                in.contains("Cookie") || in.contains("Authorization"));
            String[] lines = null;
            int n = 0;
            for (HttpField field : out) {
                String name = field.getName();
                if (CorsGuardBridge.isCorsHeader(name)) {
                    lines = AdviceSupport.addLine(lines, n, name, field.getValue());
                    n++;
                }
            }
            // 0 = never set: lockedPrepareResponse itself turns it into 200, after this advice
            // (a CrossOriginHandler preflight would otherwise be judged not ok, CG012)
            int status = response.getStatus();
            ops = CorsGuardBridge.decide("servlet", facts, status == 0 ? 200 : status, lines == null ? AdviceSupport.NO_LINES : lines, n);
        } catch (Throwable failure) {
            ops = CorsGuardBridge.adviceFailed("jetty12-commit-hook", failure);
        }
        if (ops == null) {
            return;
        }
        for (int i = 0; i + 1 < ops.length; i += 2) {
            if (ops[i + 1] == null) {
                // removes every line of the name, case-insensitively
                out.remove(ops[i]);
            } else {
                out.add(ops[i], ops[i + 1]);
            }
        }
    }
}
