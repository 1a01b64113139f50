package io.corsguard.servlet;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collections;
import java.util.List;
import javax.servlet.AsyncContext;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpServletResponseWrapper;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * An embedded Tomcat 9 whose servlets write the headers a request asks for, so each test states
 * the app's behaviour in its request: {@code X-Write: set|add NAME VALUE} or {@code del NAME}
 * (setHeader(name, null)), applied in order; {@code X-Reset} then {@code X-Write-After};
 * {@code X-Send-Error: 404} (error page writes {@code X-Error-Write}); {@code X-Redirect};
 * {@code X-Flush} then {@code X-Write-After}; {@code X-Exact-Body}: setContentLength(2),
 * getOutputStream(), {@code X-Write-After}, then the 2 bytes (the response commits as the declared
 * length is written, before service() returns). Servlets are registered by class name, so
 * {@code JakartaTestApp} is this file with the namespace replaced (its jakarta twin is generated from this file at build time, agent/pom.xml "jakarta-twins"), run on
 * Tomcat 11 in a child JVM.
 */
public final class JavaxTestApp {

    private final Tomcat tomcat = new Tomcat();

    public JavaxTestApp() throws IOException {
        File base = Files.createTempDirectory("corsguard-tomcat").toFile();
        tomcat.setBaseDir(base.getAbsolutePath());
        tomcat.setPort(0);
        Context ctx = tomcat.addContext("", base.getAbsolutePath());

        Tomcat.addServlet(ctx, "script", ScriptServlet.class.getName());
        ctx.addServletMappingDecoded("/", "script");
        Wrapper async = Tomcat.addServlet(ctx, "async", AsyncServlet.class.getName());
        async.setAsyncSupported(true);
        ctx.addServletMappingDecoded("/async", "async");
        Tomcat.addServlet(ctx, "errorpage", ErrorPageServlet.class.getName());
        ctx.addServletMappingDecoded("/errorpage", "errorpage");

        FilterDef wrapping = new FilterDef();
        wrapping.setFilterName("wrapping");
        wrapping.setFilterClass(WrappingFilter.class.getName());
        ctx.addFilterDef(wrapping);
        FilterMap map = new FilterMap();
        map.setFilterName("wrapping");
        map.addURLPattern("/wrapped/*");
        ctx.addFilterMap(map);

        ErrorPage notFound = new ErrorPage();
        notFound.setErrorCode(404);
        notFound.setLocation("/errorpage");
        ctx.addErrorPage(notFound);
    }

    public int start() throws LifecycleException {
        tomcat.getConnector();
        tomcat.start();
        return tomcat.getConnector().getLocalPort();
    }

    public void stop() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    static void write(HttpServletRequest req, String header, HttpServletResponse res) {
        List<String> ops = Collections.list(req.getHeaders(header));
        for (String op : ops) {
            String[] p = op.split(" ", 3);
            switch (p[0]) {
                case "set":
                    res.setHeader(p[1], p[2]);
                    break;
                case "add":
                    res.addHeader(p[1], p[2]);
                    break;
                case "del":
                    res.setHeader(p[1], null);
                    break;
                default:
                    throw new IllegalArgumentException(op);
            }
        }
    }

    public static final class ScriptServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            write(req, "X-Write", res);
            if (req.getHeader("X-Reset") != null) {
                res.reset();
                write(req, "X-Write-After", res);
            }
            if (req.getHeader("X-Send-Error") != null) {
                res.sendError(Integer.parseInt(req.getHeader("X-Send-Error")));
                return;
            }
            if (req.getHeader("X-Redirect") != null) {
                res.sendRedirect("/elsewhere");
                return;
            }
            if (req.getHeader("X-Flush") != null) {
                res.flushBuffer();
                write(req, "X-Write-After", res);
            }
            if (req.getHeader("X-Exact-Body") != null) {
                res.setContentLength(2);
                OutputStream out = res.getOutputStream();
                write(req, "X-Write-After", res);
                out.write("ok".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            res.getWriter().write("ok");
        }
    }

    /** Writes the headers from another thread, after service() has returned. */
    public static final class AsyncServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) {
            AsyncContext async = req.startAsync();
            Thread writer = new Thread(() -> {
                try {
                    Thread.sleep(100);
                    write(req, "X-Write", (HttpServletResponse) async.getResponse());
                    async.getResponse().getWriter().write("async");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    async.complete();
                }
            }, "async-writer");
            writer.start();
        }
    }

    public static final class ErrorPageServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            write(req, "X-Error-Write", res);
            res.getWriter().write("error page");
        }
    }

    /** Passes the chain a plain HttpServletResponseWrapper, as many frameworks do. */
    public static final class WrappingFilter implements Filter {
        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            chain.doFilter(req, new HttpServletResponseWrapper((HttpServletResponse) res));
        }
    }
}
