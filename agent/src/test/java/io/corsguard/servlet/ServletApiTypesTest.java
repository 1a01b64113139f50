package io.corsguard.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.modifier.SyntheticState;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The generic layer's type matchers, on real container classes described from their class files
 * (Tomcat 9 for javax, the jakarta servlet API): what the former {@code hasSuperType} matchers
 * selected, plus the class loader check.
 */
class ServletApiTypesTest {
    private static final ClassLoader LOADER = ServletApiTypesTest.class.getClassLoader();
    private static final TypePool POOL = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(LOADER));

    private static boolean matches(AgentBuilder.RawMatcher m, String type, ClassLoader loader) {
        return m.matches(POOL.describe(type).resolve(), loader, null, null, null);
    }

    @Test
    void servletsAndFiltersAreMatchedThroughTheirSuperTypesInTheirNamespace() {
        ServletApiTypes javax = new ServletApiTypes("javax.servlet");
        AgentBuilder.RawMatcher service = javax.matcher(ServletApiTypes.SERVLET_OR_FILTER, 0);
        assertTrue(matches(service, "javax.servlet.http.HttpServlet", LOADER), "HttpServlet extends GenericServlet implements Servlet");
        assertTrue(matches(service, "org.apache.catalina.servlets.DefaultServlet", LOADER), "three levels down");
        assertTrue(matches(service, "org.apache.catalina.filters.CorsFilter", LOADER), "a Filter");
        assertFalse(matches(service, "javax.servlet.Servlet", LOADER), "interfaces are not woven");
        assertFalse(matches(service, "org.apache.catalina.connector.Response", LOADER), "a response is no servlet");
        assertFalse(matches(service, "java.lang.String", LOADER));
        AgentBuilder.RawMatcher jakarta = new ServletApiTypes("jakarta.servlet").matcher(ServletApiTypes.SERVLET_OR_FILTER, 0);
        assertFalse(matches(jakarta, "javax.servlet.http.HttpServlet", LOADER), "the other namespace");
        assertTrue(matches(jakarta, "jakarta.servlet.http.HttpServlet", LOADER));
    }

    @Test
    void responsesAreMatchedButNotTheirWrappers() {
        AgentBuilder.RawMatcher response = new ServletApiTypes("javax.servlet").matcher(ServletApiTypes.RESPONSE, ServletApiTypes.RESPONSE_WRAPPER);
        assertTrue(matches(response, "org.apache.catalina.connector.Response", LOADER));
        assertTrue(matches(response, "org.apache.catalina.connector.ResponseFacade", LOADER));
        assertFalse(matches(response, "javax.servlet.http.HttpServletResponseWrapper", LOADER), "a wrapper delegates to a judged response");
        assertFalse(matches(response, "javax.servlet.ServletResponseWrapper", LOADER), "not an HttpServletResponse");
        assertFalse(matches(response, "org.apache.catalina.connector.Request", LOADER));
    }

    @Test
    void asyncContextsAreMatched() {
        AgentBuilder.RawMatcher async = new ServletApiTypes("javax.servlet").matcher(ServletApiTypes.ASYNC_CONTEXT, 0);
        assertTrue(matches(async, "org.apache.catalina.core.AsyncContextImpl", LOADER));
        assertFalse(matches(async, "org.apache.catalina.connector.Response", LOADER));
    }

    @Test
    void aClassLoaderThatCannotSeeTheApiIsSkipped() {
        // parent = bootstrap: no servlet API visible, so even a servlet is not looked at
        ClassLoader blind = new ClassLoader(null) { };
        ServletApiTypes javax = new ServletApiTypes("javax.servlet");
        assertFalse(matches(javax.matcher(ServletApiTypes.SERVLET_OR_FILTER, 0), "javax.servlet.http.HttpServlet", blind));
        assertTrue(matches(javax.matcher(ServletApiTypes.SERVLET_OR_FILTER, 0), "javax.servlet.http.HttpServlet", LOADER));
    }

    @Test
    void answersAreTheSameWhenRemembered() {
        AgentBuilder.RawMatcher response = new ServletApiTypes("javax.servlet").matcher(ServletApiTypes.RESPONSE, ServletApiTypes.RESPONSE_WRAPPER);
        for (int i = 0; i < 3; i++) {
            assertTrue(matches(response, "org.apache.catalina.connector.ResponseFacade", LOADER));
            assertFalse(matches(response, "javax.servlet.http.HttpServletResponseWrapper", LOADER));
        }
    }

    @Test
    void syntheticClassesAreNotMatched() {
        AgentBuilder.RawMatcher service = new ServletApiTypes("javax.servlet").matcher(ServletApiTypes.SERVLET_OR_FILTER, 0);
        TypeDescription plain = new ByteBuddy().subclass(javax.servlet.http.HttpServlet.class)
            .name("test.GeneratedServlet").make().getTypeDescription();
        TypeDescription synthetic = new ByteBuddy().subclass(javax.servlet.http.HttpServlet.class)
            .name("test.SyntheticServlet").modifiers(Visibility.PUBLIC, SyntheticState.SYNTHETIC)
            .make().getTypeDescription();
        assertTrue(service.matches(plain, LOADER, null, null, null), "a servlet subclass");
        assertFalse(service.matches(synthetic, LOADER, null, null, null), "the same, marked synthetic");
    }
}
