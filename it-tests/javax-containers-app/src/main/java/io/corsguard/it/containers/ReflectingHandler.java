package io.corsguard.it.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;

/**
 * /handler/*: a plain Jetty handler in front of the servlet context, no servlet or filter on its
 * path, that reflects every origin with credentials (CG003): only the Jetty commit hook sees its
 * lines. /handler/error writes them and then calls {@code sendError(403)}; /handler/async writes
 * them from another thread after {@code handle} returned. Binary compatible with Jetty 9.4 and 10
 * (the fixture runs on both).
 */
public final class ReflectingHandler extends AbstractHandler {
    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!target.startsWith("/handler/")) {
            return;
        }
        baseRequest.setHandled(true);
        if (target.equals("/handler/async")) {
            baseRequest.setAsyncSupported(true, "it-tests");
            AsyncContext async = request.startAsync();
            String origin = request.getHeader("Origin");
            new Thread(() -> {
                try {
                    answer(origin, (HttpServletResponse) async.getResponse());
                } catch (IOException e) {
                    e.printStackTrace();
                } finally {
                    async.complete();
                }
            }, "reflecting-handler-async").start();
            return;
        }
        if (target.equals("/handler/error")) {
            reflect(request.getHeader("Origin"), response);
            response.sendError(403);
            return;
        }
        answer(request.getHeader("Origin"), response);
    }

    static void answer(String origin, HttpServletResponse response) throws IOException {
        reflect(origin, response);
        byte[] body = "{\"ok\":true}\n".getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static void reflect(String origin, HttpServletResponse response) {
        if (origin != null) {
            response.addHeader("Access-Control-Allow-Origin", origin);
            response.addHeader("Access-Control-Allow-Credentials", "true");
            response.addHeader("Vary", "Origin");
        }
    }
}
