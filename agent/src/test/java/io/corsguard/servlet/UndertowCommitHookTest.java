package io.corsguard.servlet;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;

/** The Undertow commit hook ({@code HttpServerExchange.startResponse()}) on a real Undertow core server. */
@DisplayName("Undertow commit hook at startResponse()")
class UndertowCommitHookTest extends CoreCommitHookTestSupport {

    private Undertow server;

    @Override
    int start() {
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(this::handle).build();
        server.start();
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private void handle(HttpServerExchange exchange) {
        HeaderValues writes = exchange.getRequestHeaders().get("X-Write");
        List<String> ops = writes == null ? List.of() : new ArrayList<>(writes);
        String status = exchange.getRequestHeaders().getFirst("X-Status");
        Runnable respond = () -> {
            HeaderMap out = exchange.getResponseHeaders();
            apply(ops, (op, name, value) -> {
                if (op.equals("set")) {
                    out.put(new HttpString(name), value);
                } else if (op.equals("add")) {
                    out.add(new HttpString(name), value);
                } else {
                    out.remove(name);
                }
            });
            if (status != null) {
                exchange.setStatusCode(Integer.parseInt(status));
            }
            exchange.getResponseSender().send("ok");
        };
        if (exchange.getRequestPath().equals("/async")) {
            // the exchange stays open after this handler returns; another thread answers later
            exchange.dispatch(task -> new Thread(task, "later-writer").start(), () -> {
                pause();
                respond.run();
            });
        } else {
            respond.run();
        }
    }

    @Override
    void stop() {
        server.stop();
    }

    @Override
    String hookedClass() {
        return UndertowInstrumentation.EXCHANGE;
    }

    @Override
    boolean keepsWriteOrder() {
        return false;
    }
}
