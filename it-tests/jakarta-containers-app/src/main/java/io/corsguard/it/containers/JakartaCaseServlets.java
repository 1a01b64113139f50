package io.corsguard.it.containers;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The ways an app writes CORS lines besides a plain {@code addHeader} in {@code service()}, at
 * {@code /case/*}: each case writes a reflecting ACAO, {@code ACAC: true} and {@code Vary: Origin}
 * (only CG003 fires for an untrusted origin), in its own way. The javax twin
 * ({@code JavaxCaseServlets}, javax-containers-app) is generated from this file at build time.
 * Mapped by each container's server class: the servlet at {@code /case/*} (async supported), the
 * {@link WrappingFilter} at {@code /case/wrapped}, {@link CaseFailure} to the error page {@code /case/oops}.
 */
public final class JakartaCaseServlets {
    private JakartaCaseServlets() {
    }

    /** The error page path {@link CaseFailure} is mapped to. */
    public static final String ERROR_PAGE = "/case/oops";

    private static final ExecutorService WRITERS = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "case-async-writer");
        t.setDaemon(true);
        return t;
    });

    /** Held by {@code /case/hold} until {@code /case/release}: one async response left open on purpose. */
    private static volatile CountDownLatch held = new CountDownLatch(1);

    /** Thrown by {@code /case/throw}; the container maps it to {@link #ERROR_PAGE}. */
    public static final class CaseFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CaseFailure() {
            super("case failure (expected by the test)");
        }
    }

    static void reflect(HttpServletResponse res, String origin, String acao, String acac, String vary) {
        res.addHeader(acao, origin);
        res.addHeader(acac, "true");
        res.addHeader(vary, "Origin");
    }

    static void reflect(HttpServletResponse res, String origin) {
        reflect(res, origin, "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Vary");
    }

    static void body(HttpServletResponse res, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        res.setContentType("text/plain");
        res.setContentLength(b.length);
        res.getOutputStream().write(b);
    }

    public static final class Cases extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            String origin = req.getHeader("Origin");
            String path = req.getRequestURI();
            if (path.startsWith("/xo/")) {
                // behind a container's own CORS filter: no CORS lines of its own
                body(res, "{\"ok\":true}");
                return;
            }
            switch (path) {
                case "/case/async":
                    async(req, false);
                    return;
                case "/case/hold":
                    async(req, true);
                    return;
                case "/case/release":
                    CountDownLatch open = held;
                    held = new CountDownLatch(1);
                    open.countDown();
                    body(res, "released");
                    return;
                case "/case/wrapped":
                    if (!(res instanceof HttpServletResponseWrapper)) {
                        throw new IllegalStateException("not wrapped: " + res.getClass());
                    }
                    reflect(res, origin);
                    body(res, "wrapped");
                    return;
                case "/case/send-error":
                    reflect(res, origin);
                    res.sendError(403);
                    return;
                case "/case/throw":
                    throw new CaseFailure();
                case ERROR_PAGE:
                    reflect(res, origin);
                    body(res, "error page");
                    return;
                case "/case/reset":
                    // judged afresh after reset(): only the second set of lines counts (CG002, not CG003)
                    reflect(res, origin);
                    res.reset();
                    res.addHeader("Access-Control-Allow-Origin", "*");
                    res.addHeader("Access-Control-Allow-Credentials", "true");
                    body(res, "reset");
                    return;
                case "/case/null":
                    // setHeader(name, null) removes the name: ACAO alone is left (CG007)
                    reflect(res, origin);
                    res.setHeader("Access-Control-Allow-Credentials", null);
                    res.setHeader("Vary", null);
                    body(res, "null");
                    return;
                case "/case/lower":
                    reflect(res, origin, "access-control-allow-origin", "access-control-allow-credentials", "vary");
                    body(res, "lower");
                    return;
                default:
                    res.sendError(404);
            }
        }

        /** startAsync(); the lines and body are written from another thread once service() has returned. */
        private static void async(HttpServletRequest req, boolean hold) {
            String origin = req.getHeader("Origin");
            AsyncContext async = req.startAsync();
            async.setTimeout(60_000);
            CountDownLatch returned = new CountDownLatch(1);
            CountDownLatch release = held;
            WRITERS.execute(() -> {
                try {
                    returned.await();
                    Thread.sleep(5); // service() has returned by now
                    HttpServletResponse res = (HttpServletResponse) async.getResponse();
                    reflect(res, origin);
                    if (hold) {
                        release.await(60, TimeUnit.SECONDS);
                    }
                    body(res, "async");
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    async.complete();
                }
            });
            returned.countDown();
        }
    }

    /** Passes the chain a plain HttpServletResponseWrapper, as many frameworks do. */
    public static final class WrappingFilter implements Filter {
        @Override
        public void init(FilterConfig config) {
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
            chain.doFilter(req, new HttpServletResponseWrapper((HttpServletResponse) res));
        }

        @Override
        public void destroy() {
        }
    }
}
