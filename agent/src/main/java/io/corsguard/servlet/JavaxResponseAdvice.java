package io.corsguard.servlet;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.bootstrap.ServletLayer;
import javax.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Shell on {@code getOutputStream}, {@code getWriter} (the body channel: the first byte may follow,
 * and with it an implicit commit), {@code flushBuffer}, {@code sendError}, {@code sendRedirect}
 * (points before commit the servlet API shows; the first of them decides) and {@code reset}
 * (headers gone: correct afresh). The javax and jakarta shells differ only in the namespace
 * (its jakarta twin is generated from this file at build time, agent/pom.xml "jakarta-twins").
 */
public final class JavaxResponseAdvice {

    private JavaxResponseAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This HttpServletResponse self, @Advice.Origin("#m") String method,
                             @Advice.Argument(value = 0, optional = true, typing = Assigner.Typing.DYNAMIC) Object arg) {
        ServletLayer layer = ServletBridge.layer();
        if (layer == null) {
            return;
        }
        char first = method.charAt(0);
        if (first == 'r') {
            layer.reset(self);
            return;
        }
        // sendError's status is its argument; a redirect is sent as 302
        int status = first == 'f' || first == 'g' ? self.getStatus() : method.length() == 9 ? (Integer) arg : 302;
        String[] plan = layer.beforeCommit(self, status);
        if (plan == null) {
            return;
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
                plan = layer.settle(self, status);
            }
        } finally {
            layer.applied(self);
        }
    }
}
