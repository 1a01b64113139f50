package io.corsguard.servlet;

import io.corsguard.bootstrap.AdviceSupport;
import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardBridge;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.Request;
import org.apache.coyote.Response;
import org.apache.tomcat.util.buf.MessageBytes;
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
            // one walk over the request's lines for every fact, not a lookup (a walk of its own)
            // per name; names are compared by length first, then in place
            String origin = null;
            String requestMethod = null;
            String requestHeaders = null;
            boolean credentialsHint = false;
            int count = in.size();
            for (int i = 0; i < count; i++) {
                MessageBytes name = in.getName(i);
                int length = name.getLength();
                if (length == 6) {
                    if (name.equalsIgnoreCase("origin")) {
                        // several Origin lines are judged as one list, as the browser never sends them
                        origin = AdviceSupport.appendValue(origin, in.getValue(i).toString());
                    } else if (name.equalsIgnoreCase("cookie")) {
                        credentialsHint = true;
                    }
                } else if (length == 13) {
                    credentialsHint |= name.equalsIgnoreCase("authorization");
                } else if (length == 29) {
                    // the first line, as MimeHeaders.getHeader and the servlet API read it
                    if (requestMethod == null && name.equalsIgnoreCase("access-control-request-method")) {
                        requestMethod = in.getValue(i).toString();
                    }
                } else if (length == 30) {
                    if (requestHeaders == null && name.equalsIgnoreCase("access-control-request-headers")) {
                        requestHeaders = in.getValue(i).toString();
                    }
                }
            }
            CapturedRequest facts = new CapturedRequest(origin, request.method().toString(),
                request.requestURI().toString(), requestMethod, requestHeaders, credentialsHint);
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
