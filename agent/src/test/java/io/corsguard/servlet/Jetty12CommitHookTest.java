package io.corsguard.servlet;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.DisplayName;

/** The Jetty 12 commit hook ({@code ChannelResponse.lockedPrepareResponse}) on a real Jetty 12 core server. */
@DisplayName("Jetty 12 commit hook at lockedPrepareResponse()")
class Jetty12CommitHookTest extends CoreCommitHookTestSupport {

    private Server server;

    @Override
    int start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                List<String> ops = request.getHeaders().getValuesList("X-Write");
                String status = request.getHeaders().get("X-Status");
                Runnable respond = () -> {
                    HttpFields.Mutable out = response.getHeaders();
                    apply(ops, (op, name, value) -> {
                        if (op.equals("set")) {
                            out.put(name, value);
                        } else if (op.equals("add")) {
                            out.add(name, value);
                        } else {
                            out.remove(name);
                        }
                    });
                    if (status != null) {
                        response.setStatus(Integer.parseInt(status));
                    }
                    response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), callback);
                };
                if (request.getHttpURI().getPath().equals("/async")) {
                    new Thread(() -> {
                        pause();
                        respond.run();
                    }, "later-writer").start();
                } else {
                    respond.run();
                }
                return true;
            }
        });
        server.start();
        return connector.getLocalPort();
    }

    @Override
    void stop() throws Exception {
        server.stop();
    }

    @Override
    String hookedClass() {
        return Jetty12Instrumentation.CHANNEL_RESPONSE;
    }

    @Override
    boolean keepsWriteOrder() {
        return true;
    }
}
