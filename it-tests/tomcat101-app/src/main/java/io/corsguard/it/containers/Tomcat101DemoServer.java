package io.corsguard.it.containers;

import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * The demo API on a plain embedded Tomcat 10.1 (jakarta.servlet 6.0), the same servlets as on
 * Jetty 12 and Undertow; prints the READY line it-tests waits for.
 */
public final class Tomcat101DemoServer {
    private Tomcat101DemoServer() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat101").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context ctx = tomcat.addContext("", null);
        Tomcat.addServlet(ctx, "demo", new JakartaDemoServlet());
        ctx.addServletMappingDecoded("/*", "demo");
        Wrapper cases = Tomcat.addServlet(ctx, "cases", new JakartaCaseServlets.Cases());
        cases.setAsyncSupported(true);
        ctx.addServletMappingDecoded("/case/*", "cases");
        FilterDef wrapping = new FilterDef();
        wrapping.setFilterName("wrapping");
        wrapping.setFilter(new JakartaCaseServlets.WrappingFilter());
        wrapping.setAsyncSupported("true");
        ctx.addFilterDef(wrapping);
        FilterMap wrapped = new FilterMap();
        wrapped.setFilterName("wrapping");
        wrapped.addURLPattern("/case/wrapped");
        ctx.addFilterMap(wrapped);
        ErrorPage errorPage = new ErrorPage();
        errorPage.setExceptionType(JakartaCaseServlets.CaseFailure.class.getName());
        errorPage.setLocation(JakartaCaseServlets.ERROR_PAGE);
        ctx.addErrorPage(errorPage);
        tomcat.start();
        System.out.println("tomcat " + ServerInfo.getServerNumber());
        System.out.println("READY servlet=" + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }
}
