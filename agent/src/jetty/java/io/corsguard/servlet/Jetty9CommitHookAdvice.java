package io.corsguard.servlet;

import io.corsguard.bootstrap.AdviceSupport;
import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Inlined at the start of {@code HttpChannel.sendResponse(MetaData.Response, ByteBuffer, boolean,
 * Callback)} of Jetty 9.4 and 10, which every write of a response passes: the call that commits
 * is the one with no head of its own ({@code null}) on a response not yet committed; it builds the
 * head from the response's own {@code HttpFields} right after, so they are complete and still
 * mutable here (DESIGN §5). Error pages, {@code sendError}, HEAD, async and handlers below the
 * servlet API all commit there. Heads the channel builds itself (1xx, 101, bad requests) are not
 * judged. Not {@code HttpChannel.commit(..)}: Jetty 10's head is an immutable copy by then.
 * <p>
 * One source, compiled twice (agent/pom.xml): as {@code Jetty9CommitHookAdvice} against Jetty 9.4,
 * where {@code HttpFields} is a class, and as {@code Jetty10CommitHookAdvice} against Jetty 10, where
 * it is an interface: the same calls are different bytecode. So it names no method or type that
 * differs between the two ({@code get(..) != null} rather than 9.4's {@code containsKey} or 10's
 * {@code contains}; fields changed through {@code Response.getHttpFields()}, which 10 types as
 * {@code HttpFields.Mutable}). Lives outside src/main/java because the main compile sees Jetty 12.
 * Inlined: references only Jetty, java.* and bootstrap types.
 */
public final class Jetty9CommitHookAdvice {

    private Jetty9CommitHookAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This HttpChannel channel, @Advice.Argument(0) MetaData.Response head) {
        if (head != null || !CorsGuardBridge.active()) {
            return;
        }
        Request request = channel.getRequest();
        HttpFields in = request.getHttpFields();
        String origin = in == null ? null : in.get("Origin");
        if (origin == null || channel.isCommitted() || !CorsGuardBridge.enabled("jetty-channel-commit-hook")) {
            return;
        }
        Response response = channel.getResponse();
        String[] ops;
        try {
            // several Origin lines are judged as one list, as the browser never sends them
            origin = AdviceSupport.join(in.getValuesList("Origin"));
            CapturedRequest facts = new CapturedRequest(origin, request.getMethod(), request.getRequestURI(),
                in.get("Access-Control-Request-Method"), in.get("Access-Control-Request-Headers"),
                in.get("Cookie") != null || in.get("Authorization") != null);
            String[] lines = null;
            int n = 0;
            for (HttpField field : response.getHttpFields()) {
                String name = field.getName();
                if (CorsGuardBridge.isCorsHeader(name)) {
                    lines = AdviceSupport.addLine(lines, n, name, field.getValue());
                    n++;
                }
            }
            ops = CorsGuardBridge.decide("servlet", facts, response.getStatus(), lines == null ? AdviceSupport.NO_LINES : lines, n);
        } catch (Throwable failure) {
            ops = CorsGuardBridge.adviceFailed("jetty-channel-commit-hook", failure);
        }
        if (ops == null) {
            return;
        }
        for (int i = 0; i + 1 < ops.length; i += 2) {
            if (ops[i + 1] == null) {
                // removes every line of the name, case-insensitively
                response.getHttpFields().remove(ops[i]);
            } else {
                response.getHttpFields().add(ops[i], ops[i + 1]);
            }
        }
    }
}
