package io.corsguard.servlet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.apache.catalina.connector.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The generic layer's advice on every setHeader must cost a non-CORS write no allocation. */
@DisplayName("Header write fast path")
class HeaderFastPathTest extends TomcatServletTestSupport {

    @Override
    boolean commitHook() {
        return false;
    }

    @org.junit.jupiter.api.AfterEach
    void dbg() {
        System.err.println("DBGH " + weaver.transformed);
    }

    @Test
    @DisplayName("a non-CORS setHeader on a woven response allocates nothing in the advice")
    void nonCorsWritesAllocateNothing() {
        assertTrue(weaver.transformed.contains(Response.class.getName()), "Response is woven");
        Response response = new Response();
        response.setCoyoteResponse(new org.apache.coyote.Response());
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) {
            // warm up: JIT, and Tomcat's header slot for the name
            response.setHeader("X-Request-Id", "abc");
        }
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            response.setHeader("X-Request-Id", "abc");
            response.setHeader("Content-Language", "en");
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        // 16 bytes per call would be 3.2 MB; allow for the measurement's own noise
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes");
    }

    @Test
    @DisplayName("a CORS setHeader on a response of a request without Origin allocates nothing in the advice")
    void corsWritesWithoutStateAllocateNothing() throws Exception {
        // another response with state, so the lookup cannot take the empty-map shortcut
        Response judged = new Response();
        layer().begin(judged, true, "https://x.example", null, "GET", "/", null, null, false);
        try {
            Response response = new Response();
            response.setCoyoteResponse(new org.apache.coyote.Response());
            com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().getId();
            for (int i = 0; i < 20_000; i++) {
                response.setHeader("Vary", "Origin");
            }
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                response.setHeader("Vary", "Origin");
                response.setHeader("Access-Control-Allow-Origin", "*");
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes");
        } finally {
            layer().end(judged, 200, false);
            layer().applied(judged);
        }
    }
}
