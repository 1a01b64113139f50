package io.corsguard.servlet;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.bootstrap.ServletLayer;
import javax.servlet.AsyncContext;
import javax.servlet.ServletResponse;
import javax.servlet.ServletResponseWrapper;
import javax.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;

/**
 * Shell on {@code AsyncContext.complete()}: an async response's last point before commit, where
 * its state is released. The javax and jakarta shells differ only in the namespace
 * (its jakarta twin is generated from this file at build time, agent/pom.xml "jakarta-twins").
 */
public final class JavaxAsyncCompleteAdvice {

    private JavaxAsyncCompleteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This AsyncContext self) {
        ServletLayer layer = ServletBridge.layer();
        if (layer == null) {
            return;
        }
        ServletResponse target = self.getResponse();
        while (target instanceof ServletResponseWrapper) {
            target = ((ServletResponseWrapper) target).getResponse();
        }
        if (!(target instanceof HttpServletResponse)) {
            return;
        }
        HttpServletResponse http = (HttpServletResponse) target;
        String[] plan = layer.complete(http, http.getStatus());
        try {
            // a removal the container ignores (before Servlet 6) leaves lines the plan did not
            // expect: the layer then answers with a plan for what is actually there
            for (int round = 0; plan != null && round < 3; round++) {
                for (int i = 0; i + 2 < plan.length; i += 3) {
                    if (plan[i] == ServletBridge.ADD) {
                        http.addHeader(plan[i + 1], plan[i + 2]);
                    } else {
                        http.setHeader(plan[i + 1], plan[i + 2]);
                    }
                }
                plan = layer.settle(http, http.getStatus());
            }
        } finally {
            layer.applied(http);
        }
    }
}
