package io.corsguard.it.servers;

import io.corsguard.demo.DemoEndpoints;
import io.corsguard.demo.DemoEndpoints.DemoRequest;
import io.corsguard.demo.DemoEndpoints.DemoResponse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The demo API on a Vert.x {@code HttpServer} (compiled against 4.5 and, from the same source, 5.0):
 * {@code /api/*} sets {@link DemoEndpoints}' header lines by hand on the core response;
 * {@code /web/*} goes through a vertx-web Router with a {@code CorsHandler} that trusts every
 * origin (origin regex {@code .*}) with credentials: the usual copy-paste configuration.
 */
public final class VertxServer {
    private VertxServer() {
    }

    public static void main(String[] args) throws Exception {
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route("/web/*").handler(CorsHandler.create()
            .addOriginWithRegex(".*")
            .allowCredentials(true)
            .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.PUT))
            .allowedHeaders(Set.of("content-type", "x-token")));
        router.route("/web/*").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end("{\"ok\":true}\n"));
        router.route("/api/*").handler(ctx -> byHand(ctx.request()));
        HttpServer server = vertx.createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.out.println("server jars: " + jarOf(Vertx.class) + ", " + jarOf(Router.class) + ", " + jarOf(io.netty.channel.Channel.class));
        System.out.println("READY port=" + server.actualPort());
        System.out.flush();
        Thread.currentThread().join();
    }

    static String jarOf(Class<?> c) {
        String p = c.getProtectionDomain().getCodeSource().getLocation().getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static void byHand(HttpServerRequest req) {
        DemoResponse answer = DemoEndpoints.answer(new DemoRequest(req.method().name(), req.uri(), req.getHeader("Origin"),
            req.getHeader("Access-Control-Request-Method"), req.getHeader("Access-Control-Request-Headers"), req.getHeader("Cookie")));
        HttpServerResponse res = req.response();
        res.setStatusCode(answer.status);
        for (String[] h : answer.headers) {
            res.headers().add(h[0], h[1]);
        }
        res.putHeader("Content-Type", "application/json");
        if (answer.status == 204) {
            res.end();
        } else {
            res.end(answer.body);
        }
    }
}
