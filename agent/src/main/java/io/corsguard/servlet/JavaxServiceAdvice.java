package io.corsguard.servlet;

import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.bootstrap.ServletLayer;
import javax.servlet.DispatcherType;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.ServletResponseWrapper;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;

/**
 * Shell on {@code Servlet.service(req, res)} and {@code Filter.doFilter(req, res, chain)}: the
 * outermost call captures the request facts, its exit is the last point before commit. Only reads
 * and hands strings to {@link ServletLayer}. The javax and jakarta shells differ only in the
 * namespace (its jakarta twin is generated from this file at build time, agent/pom.xml "jakarta-twins").
 */
public final class JavaxServiceAdvice {

    private JavaxServiceAdvice() {
    }

    /** Returns 0 = not counted, 1 = counted, 2 = outermost with state begun. */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int enter(@Advice.Argument(0) ServletRequest request, @Advice.Argument(1) ServletResponse response) {
        ServletLayer layer = ServletBridge.layer();
        if (layer == null) {
            return 0;
        }
        if (ServletBridge.enterService() != 1 || !(request instanceof HttpServletRequest)) {
            return 1;
        }
        try {
            HttpServletRequest http = (HttpServletRequest) request;
            String origin = http.getHeader("Origin");
            if (origin == null) {
                return 1;
            }
            // state is keyed by the innermost response, so writes through wrappers count once
            ServletResponse target = response;
            while (target instanceof ServletResponseWrapper) {
                target = ((ServletResponseWrapper) target).getResponse();
            }
            if (ServletBridge.commitHookJudges(target)) {
                // the container's commit hook judges (begin would keep nothing): skip reading the
                // request's other headers, the Origin enumeration among them, on every request
                return 1;
            }
            layer.begin(target, http.getDispatcherType() == DispatcherType.REQUEST, origin, http.getHeaders("Origin"),
                http.getMethod(), http.getRequestURI(), http.getHeader("Access-Control-Request-Method"),
                http.getHeader("Access-Control-Request-Headers"),
                http.getHeader("Cookie") != null || http.getHeader("Authorization") != null);
            return 2;
        } catch (Throwable t) {
            return 1;
        }
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter int entered, @Advice.Argument(0) ServletRequest request,
                            @Advice.Argument(1) ServletResponse response) {
        if (entered == 0 || !ServletBridge.exitService() || entered != 2) {
            return;
        }
        ServletLayer layer = ServletBridge.layer();
        ServletResponse target = response;
        while (target instanceof ServletResponseWrapper) {
            target = ((ServletResponseWrapper) target).getResponse();
        }
        if (layer == null || !(target instanceof HttpServletResponse)) {
            return;
        }
        HttpServletResponse http = (HttpServletResponse) target;
        String[] plan = layer.end(http, http.getStatus(), request.isAsyncStarted());
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
