package io.corsguard.it.containers;

import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

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
        ctx.addServlet(JakartaCaseServlets.Cases.class, "/case/*").setAsyncSupported(true);
        ctx.addFilter(JakartaCaseServlets.WrappingFilter.class, "/case/wrapped", EnumSet.of(DispatcherType.REQUEST));
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(JakartaCaseServlets.CaseFailure.class, JakartaCaseServlets.ERROR_PAGE);
        ctx.setErrorHandler(errors);
        // /xo: a badly configured CrossOriginHandler (every origin, with credentials) in front of a
        // servlet that writes no CORS header: its lines are written below the servlet API.
        CrossOriginHandler cors = new CrossOriginHandler();
        cors.setAllowedOriginPatterns(Set.of(".*"));
        cors.setAllowCredentials(true);
        ServletContextHandler xo = new ServletContextHandler("/xo");
        xo.addServlet(PlainServlet.class, "/*");
        cors.setHandler(xo);
        server.setHandler(new ContextHandlerCollection(ctx, new ContextHandler(cors, "/xo")));
        server.start();
        System.out.println("jetty " + Server.getVersion());
        System.out.println("READY servlet=" + connector.getLocalPort());
        System.out.flush();
        server.join();
    }

    /** A JSON answer without CORS headers of its own. */
    public static final class PlainServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = "{\"ok\":true}\n".getBytes(StandardCharsets.UTF_8);
            resp.setContentType("application/json");
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
        }
    }
}
