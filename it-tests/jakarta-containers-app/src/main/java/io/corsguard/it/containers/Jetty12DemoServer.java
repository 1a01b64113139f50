package io.corsguard.it.containers;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The demo API on Jetty 12 (ee10, jakarta.servlet 6) with a plain servlet; prints the READY line it-tests waits for. */
public final class Jetty12DemoServer {
    private Jetty12DemoServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler("/");
        ctx.addServlet(JakartaDemoServlet.class, "/*");
        server.setHandler(ctx);
        server.start();
        System.out.println("jetty " + Server.getVersion());
        System.out.println("READY servlet=" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
