package io.corsguard.it.containers;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import java.util.EnumSet;
import javax.servlet.DispatcherType;
import org.eclipse.jetty.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.server.handler.HandlerList;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlets.CrossOriginFilter;

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
        ctx.addServlet(JavaxCaseServlets.Cases.class, "/case/*").setAsyncSupported(true);
        ctx.addFilter(JavaxCaseServlets.WrappingFilter.class, "/case/wrapped", EnumSet.of(DispatcherType.REQUEST));
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(JavaxCaseServlets.CaseFailure.class, JavaxCaseServlets.ERROR_PAGE);
        ctx.setErrorHandler(errors);
        // /xo: Jetty's own CrossOriginFilter configured badly: every origin, with credentials (it
        // then reflects the request's origin), in front of a servlet that writes no CORS line
        FilterHolder xo = ctx.addFilter(CrossOriginFilter.class, "/xo/*", EnumSet.of(DispatcherType.REQUEST));
        xo.setInitParameter(CrossOriginFilter.ALLOWED_ORIGINS_PARAM, "*");
        xo.setInitParameter(CrossOriginFilter.ALLOW_CREDENTIALS_PARAM, "true");
        xo.setInitParameter(CrossOriginFilter.ALLOWED_METHODS_PARAM, "GET,POST,PUT");
        xo.setInitParameter(CrossOriginFilter.ALLOWED_HEADERS_PARAM, "*");
        xo.setInitParameter(CrossOriginFilter.CHAIN_PREFLIGHT_PARAM, "false");
        ctx.addServlet(JavaxCaseServlets.Cases.class, "/xo/*");
        server.setHandler(new HandlerList(new ReflectingHandler(), ctx));
        server.start();
        System.out.println("jetty " + Server.getVersion());
        System.out.println("READY servlet=" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
