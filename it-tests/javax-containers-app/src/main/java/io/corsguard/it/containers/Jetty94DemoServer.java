package io.corsguard.it.containers;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.HandlerList;
import org.eclipse.jetty.servlet.ServletContextHandler;

/**
 * The demo API on Jetty 9.4 (javax.servlet 3.1) with a plain servlet, and a {@link ReflectingHandler}
 * at /handler; prints the READY line it-tests waits for. it-tests/jetty10-app runs the same classes
 * on Jetty 10.
 */
public final class Jetty94DemoServer {
    private Jetty94DemoServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.addServlet(JavaxDemoServlet.class, "/*");
        server.setHandler(new HandlerList(new ReflectingHandler(), ctx));
        server.start();
        System.out.println("jetty " + Server.getVersion());
        System.out.println("READY servlet=" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
