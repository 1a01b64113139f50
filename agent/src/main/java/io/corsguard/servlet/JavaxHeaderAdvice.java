package io.corsguard.servlet;

import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.bootstrap.ServletLayer;
import javax.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;

/**
 * Shell on {@code setHeader}/{@code addHeader} of response implementations: a CORS write may be
 * replaced by the layer's plan (the original call is then skipped). The javax and jakarta
 * shells differ only in the namespace (its jakarta twin is generated from this file at build time, agent/pom.xml "jakarta-twins").
 */
public final class JavaxHeaderAdvice {

    private JavaxHeaderAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    public static boolean enter(@Advice.This HttpServletResponse self, @Advice.Argument(0) String name,
                                @Advice.Argument(1) String value, @Advice.Origin("#m") String method) {
        // every header write passes here: length and first char first, no allocation; a
        // removal is seen after the call, where it shows whether the container honoured it
        if (value == null || !CorsGuardBridge.isCorsHeader(name)) {
            return false;
        }
        ServletLayer layer = ServletBridge.layer();
        // the container drops writes after commit: they are not part of what is sent
        if (layer == null || self.isCommitted()) {
            return false;
        }
        String[] plan = layer.onWrite(self, name, value, method.charAt(0) == 'a', self.getStatus());
        if (plan == null) {
            return false;
        }
        try {
            // a removal the container ignores (before Servlet 6) leaves lines the plan did not
            // expect: the layer then answers with a plan for what is actually there
            for (int round = 0; plan != null && round < 3; round++) {
                for (int i = 0; i + 2 < plan.length; i += 3) {
                    if (plan[i] == ServletBridge.ADD) {
                        self.addHeader(plan[i + 1], plan[i + 2]);
                    } else {
                        self.setHeader(plan[i + 1], plan[i + 2]);
                    }
                }
                plan = layer.settle(self, self.getStatus());
            }
        } finally {
            layer.applied(self);
        }
        return true;
    }

    /** {@code setHeader(name, null)} removes in Servlet 6 containers and does nothing in Tomcat 9. */
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This HttpServletResponse self, @Advice.Argument(0) String name,
                            @Advice.Argument(1) String value, @Advice.Origin("#m") String method) {
        if (value != null || method.charAt(0) != 's' || !CorsGuardBridge.isCorsHeader(name)) {
            return;
        }
        ServletLayer layer = ServletBridge.layer();
        if (layer != null && !self.isCommitted() && !self.containsHeader(name)) {
            layer.onWrite(self, name, null, false, self.getStatus());
        }
    }
}
