package io.corsguard.servlet;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.bootstrap.ServletLayer;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;

/**
 * Shell on {@code AsyncContext.complete()}: an async response's last point before commit, where
 * its state is released. The javax and jakarta shells differ only in the namespace
 * (JakartaTwinsTest).
 */
public final class JakartaAsyncCompleteAdvice {

    private JakartaAsyncCompleteAdvice() {
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
            for (int i = 0; plan != null && i + 2 < plan.length; i += 3) {
                if (plan[i] == ServletBridge.ADD) {
                    http.addHeader(plan[i + 1], plan[i + 2]);
                } else {
                    http.setHeader(plan[i + 1], plan[i + 2]);
                }
            }
        } finally {
            layer.applied(http);
        }
    }
}
