package io.corsguard.it.servers;

import io.corsguard.demo.DemoEndpoints;
import io.corsguard.demo.DemoEndpoints.DemoRequest;
import io.corsguard.demo.DemoEndpoints.DemoResponse;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import org.reactivestreams.Publisher;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The demo API on a Reactor Netty {@code HttpServer} used directly (no Spring): every request goes
 * to {@link DemoEndpoints}, whose header lines are added to the response as written. Compiled
 * against Reactor Netty 1.2 and, from the same source, 1.3. A second port serves the same routes
 * with HTTP/2 cleartext enabled (h2c upgrade and prior knowledge), to pin what is not judged.
 */
public final class ReactorNettyServer {
    private ReactorNettyServer() {
    }

    public static void main(String[] args) throws Exception {
        DisposableServer server = HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .handle(ReactorNettyServer::demo)
            .bindNow();
        // the same routes with HTTP/2 cleartext (prior knowledge and upgrade) next to HTTP/1.1
        DisposableServer h2c = HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
            .handle(ReactorNettyServer::demo)
            .bindNow();
        System.out.println("server jars: " + jarOf(HttpServer.class) + ", " + jarOf(io.netty.channel.Channel.class));
        System.out.println("READY port=" + server.port() + " h2c=" + h2c.port());
        System.out.flush();
        server.onDispose().block();
    }

    static Publisher<Void> demo(HttpServerRequest req, HttpServerResponse res) {
        HttpHeaders in = req.requestHeaders();
        DemoResponse answer = DemoEndpoints.answer(new DemoRequest(req.method().name(), req.uri(), in.get("Origin"),
            in.get("Access-Control-Request-Method"), in.get("Access-Control-Request-Headers"), in.get("Cookie")));
        res.status(answer.status);
        for (String[] h : answer.headers) {
            res.addHeader(h[0], h[1]);
        }
        res.header("Content-Type", "application/json");
        if (answer.status == 204) {
            return res.send();
        }
        return res.sendString(Mono.just(answer.body));
    }

    static String jarOf(Class<?> c) {
        String p = c.getProtectionDomain().getCodeSource().getLocation().getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }
}
