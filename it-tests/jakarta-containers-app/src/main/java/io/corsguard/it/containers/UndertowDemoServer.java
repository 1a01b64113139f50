package io.corsguard.it.containers;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.Version;
import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.util.HttpString;
import jakarta.servlet.DispatcherType;
import java.net.InetSocketAddress;

/** The demo API on Undertow 2.3 servlet (jakarta.servlet 6) with a plain servlet; prints the READY line it-tests waits for. */
public final class UndertowDemoServer {
    private UndertowDemoServer() {
    }

    public static void main(String[] args) throws Exception {
        DeploymentInfo info = Servlets.deployment().setClassLoader(UndertowDemoServer.class.getClassLoader())
            .setContextPath("/").setDeploymentName("demo")
            .addServlet(Servlets.servlet("demo", JakartaDemoServlet.class).addMapping("/*"))
            .addServlet(Servlets.servlet("cases", JakartaCaseServlets.Cases.class).addMapping("/case/*").setAsyncSupported(true))
            .addFilter(Servlets.filter("wrapping", JakartaCaseServlets.WrappingFilter.class).setAsyncSupported(true))
            .addFilterUrlMapping("wrapping", "/case/wrapped", DispatcherType.REQUEST)
            .addErrorPage(Servlets.errorPage(JakartaCaseServlets.ERROR_PAGE, JakartaCaseServlets.CaseFailure.class));
        DeploymentManager manager = Servlets.defaultContainer().addDeployment(info);
        manager.deploy();
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
            .setHandler(Handlers.path(manager.start()).addPrefixPath("/handler", UndertowDemoServer::reflectingHandler)).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        System.out.println("undertow " + Version.getVersionString());
        System.out.println("READY servlet=" + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    /**
     * /handler: a plain Undertow handler, below the servlet API, that reflects every origin with
     * credentials (CG003): only the commit hook can see its lines.
     */
    static void reflectingHandler(HttpServerExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin != null) {
            exchange.getResponseHeaders().add(new HttpString("Access-Control-Allow-Origin"), origin)
                .add(new HttpString("Access-Control-Allow-Credentials"), "true").add(new HttpString("Vary"), "Origin");
        }
        exchange.getResponseHeaders().put(new HttpString("Content-Type"), "application/json");
        exchange.getResponseSender().send("{\"ok\":true}\n");
    }
}
