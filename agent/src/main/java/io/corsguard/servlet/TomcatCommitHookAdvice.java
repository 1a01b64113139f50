package io.corsguard.servlet;

import io.corsguard.bootstrap.AdviceSupport;
import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.Request;
import org.apache.coyote.Response;
import org.apache.tomcat.util.http.MimeHeaders;

/**
 * Inlined at the start of {@code prepareResponse()} of Tomcat's HTTP/1.1, HTTP/2 and AJP
 * processors: the one point every commit path reaches with the header list complete and still
 * editable (DESIGN §5). Coyote classes are the same in Tomcat 9, 10.1 and 11, so one advice serves
 * javax and jakarta containers. Inlined: references only coyote, java.* and bootstrap types.
 */
public final class TomcatCommitHookAdvice {

    private TomcatCommitHookAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("response") Response response) {
        if (!CorsGuardBridge.active()) {
            return;
        }
        Request request = response.getRequest();
        MimeHeaders in = request.getMimeHeaders();
        // findHeader compares in place: a request without Origin allocates nothing here
        int at = in.findHeader("origin", 0);
        if (at < 0 || !CorsGuardBridge.enabled("tomcat-commit-hook")) {
            return;
        }
        MimeHeaders out = response.getMimeHeaders();
        String[] ops;
        try {
            String origin = in.getValue(at).toString();
            int next = in.findHeader("origin", at + 1);
            if (next >= 0) {
                // several Origin lines are judged as one list, as the browser never sends them
                StringBuilder all = new StringBuilder(origin);
                while (next >= 0) {
                    all.append(", ").append(in.getValue(next).toString());
                    next = in.findHeader("origin", next + 1);
                }
                origin = all.toString();
            }
            CapturedRequest facts = new CapturedRequest(origin, request.method().toString(),
                request.requestURI().toString(), in.getHeader("access-control-request-method"),
                in.getHeader("access-control-request-headers"),
                in.findHeader("cookie", 0) >= 0 || in.findHeader("authorization", 0) >= 0);
            int size = out.size();
            String[] lines = null;
            int n = 0;
            for (int i = 0; i < size; i++) {
                String name = out.getName(i).toString();
                if (CorsGuardBridge.isCorsHeader(name)) {
                    lines = AdviceSupport.addLine(lines, n, name, out.getValue(i).toString());
                    n++;
                }
            }
            ops = CorsGuardBridge.decide("servlet", facts, response.getStatus(), lines == null ? AdviceSupport.NO_LINES : lines, n);
        } catch (Throwable failure) {
            ops = CorsGuardBridge.adviceFailed("tomcat-commit-hook", failure);
        }
        if (ops == null) {
            return;
        }
        for (int i = 0; i + 1 < ops.length; i += 2) {
            if (ops[i + 1] == null) {
                // removes every line of the name, case-insensitively
                out.removeHeader(ops[i]);
            } else {
                out.addValue(ops[i]).setString(ops[i + 1]);
            }
        }
    }
}
