package io.corsguard.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.description.modifier.SyntheticState;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.StubMethod;
import net.bytebuddy.implementation.SuperMethodCall;
import org.junit.jupiter.api.Test;

/**
 * The generic layer's type matching, on real container classes judged from their class files
 * (Tomcat 9 for javax, the jakarta servlet API): what the former {@code hasSuperType} matchers
 * selected, plus the class loader check; and the same answers for loaded classes (attach).
 */
class ServletApiTypesTest {
    private static final ClassLoader LOADER = ServletApiTypesTest.class.getClassLoader();
    private static final int SERVICE = ServletApiTypes.SERVLET_OR_FILTER;

    private static byte[] classFile(String name) {
        try (InputStream in = LOADER.getResourceAsStream(name.replace('.', '/') + ".class")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            for (int n; (n = in.read(b)) > 0; ) {
                out.write(b, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** As the transformer asks, and (a fresh instance, nothing remembered) as an attach asks of the loaded class. */
    private static boolean matches(String api, int role, int unless, String type, ClassLoader loader) {
        boolean loading = ServletApiTypes.has(new ServletApiTypes(api).roles(loader, type.replace('.', '/'), classFile(type)), role, unless);
        if (loader == LOADER) {
            try {
                boolean loaded = ServletApiTypes.has(new ServletApiTypes(api).roles(Class.forName(type, false, LOADER)), role, unless);
                assertEquals(loading, loaded, type + ": the loaded class is judged like its class file");
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
        return loading;
    }

    @Test
    void servletsAndFiltersAreMatchedThroughTheirSuperTypesInTheirNamespace() {
        assertTrue(matches("javax.servlet", SERVICE, 0, "javax.servlet.http.HttpServlet", LOADER), "HttpServlet extends GenericServlet implements Servlet");
        assertTrue(matches("javax.servlet", SERVICE, 0, "org.apache.catalina.servlets.DefaultServlet", LOADER), "three levels down");
        assertTrue(matches("javax.servlet", SERVICE, 0, "org.apache.catalina.filters.CorsFilter", LOADER), "a Filter");
        assertFalse(matches("javax.servlet", SERVICE, 0, "javax.servlet.Servlet", LOADER), "interfaces are not woven");
        assertFalse(matches("javax.servlet", SERVICE, 0, "org.apache.catalina.connector.Response", LOADER), "a response is no servlet");
        assertFalse(matches("javax.servlet", SERVICE, 0, "java.lang.String", LOADER));
        assertFalse(matches("jakarta.servlet", SERVICE, 0, "javax.servlet.http.HttpServlet", LOADER), "the other namespace");
        assertTrue(matches("jakarta.servlet", SERVICE, 0, "jakarta.servlet.http.HttpServlet", LOADER));
    }

    @Test
    void responsesAreMatchedButNotTheirWrappers() {
        int r = ServletApiTypes.RESPONSE;
        int w = ServletApiTypes.RESPONSE_WRAPPER;
        assertTrue(matches("javax.servlet", r, w, "org.apache.catalina.connector.Response", LOADER));
        assertTrue(matches("javax.servlet", r, w, "org.apache.catalina.connector.ResponseFacade", LOADER));
        assertFalse(matches("javax.servlet", r, w, "javax.servlet.http.HttpServletResponseWrapper", LOADER), "a wrapper delegates to a judged response");
        assertFalse(matches("javax.servlet", r, w, "javax.servlet.ServletResponseWrapper", LOADER), "not an HttpServletResponse");
        assertFalse(matches("javax.servlet", r, w, "org.apache.catalina.connector.Request", LOADER));
    }

    @Test
    void asyncContextsAreMatched() {
        assertTrue(matches("javax.servlet", ServletApiTypes.ASYNC_CONTEXT, 0, "org.apache.catalina.core.AsyncContextImpl", LOADER));
        assertFalse(matches("javax.servlet", ServletApiTypes.ASYNC_CONTEXT, 0, "org.apache.catalina.connector.Response", LOADER));
    }

    @Test
    void aClassLoaderThatCannotSeeTheApiIsSkipped() {
        // parent = bootstrap: no servlet API visible, so even a servlet is not looked at
        ClassLoader blind = new ClassLoader(null) { };
        assertFalse(matches("javax.servlet", SERVICE, 0, "javax.servlet.http.HttpServlet", blind));
        assertTrue(matches("javax.servlet", SERVICE, 0, "javax.servlet.http.HttpServlet", LOADER));
    }

    @Test
    void answersAreTheSameWhenRemembered() {
        ServletApiTypes types = new ServletApiTypes("javax.servlet");
        int r = ServletApiTypes.RESPONSE;
        int w = ServletApiTypes.RESPONSE_WRAPPER;
        for (int i = 0; i < 3; i++) {
            assertTrue(ServletApiTypes.has(types.roles(LOADER, "org/apache/catalina/connector/ResponseFacade",
                classFile("org.apache.catalina.connector.ResponseFacade")), r, w));
            assertFalse(ServletApiTypes.has(types.roles(LOADER, "javax/servlet/http/HttpServletResponseWrapper",
                classFile("javax.servlet.http.HttpServletResponseWrapper")), r, w));
            // an interface stays unmatched though its roles are remembered from a subclass's look
            assertEquals(0, types.roles(LOADER, "javax/servlet/http/HttpServletResponse", classFile("javax.servlet.http.HttpServletResponse")));
        }
    }

    @Test
    void syntheticClassesAreNotMatched() {
        ServletApiTypes types = new ServletApiTypes("javax.servlet");
        byte[] plain = new ByteBuddy().subclass(javax.servlet.http.HttpServlet.class)
            .name("test.GeneratedServlet").method(named("service")).intercept(SuperMethodCall.INSTANCE).make().getBytes();
        byte[] synthetic = new ByteBuddy().subclass(javax.servlet.http.HttpServlet.class)
            .name("test.SyntheticServlet").modifiers(Visibility.PUBLIC, SyntheticState.SYNTHETIC)
            .method(named("service")).intercept(SuperMethodCall.INSTANCE).make().getBytes();
        assertTrue(ServletApiTypes.has(types.roles(LOADER, "test/GeneratedServlet", plain), SERVICE, 0), "a servlet subclass");
        assertFalse(ServletApiTypes.has(types.roles(LOADER, "test/SyntheticServlet", synthetic), SERVICE, 0), "the same, marked synthetic");
    }

    /**
     * A class that declares no method the layer advises has nothing to weave: it is not matched,
     * and its super types are not looked up (on Spring Boot each lookup goes through the
     * nested-jar loader). One that declares {@code doFilter} is, through the same super types.
     */
    @Test
    void aClassWithNothingToWeaveIsNotMatchedAndItsSuperTypesAreNotRead() {
        List<String> looked = new ArrayList<>();
        ClassLoader counting = new ClassLoader(LOADER) {
            @Override
            public InputStream getResourceAsStream(String name) {
                looked.add(name);
                return super.getResourceAsStream(name);
            }
        };
        ServletApiTypes types = new ServletApiTypes("javax.servlet");
        DynamicType.Unloaded<?> doGetOnly = new ByteBuddy().subclass(org.apache.catalina.filters.CorsFilter.class)
            .name("test.DoGetOnly").defineMethod("doGet", void.class, Visibility.PUBLIC).intercept(StubMethod.INSTANCE)
            .make();
        assertEquals(0, types.roles(counting, "test/DoGetOnly", doGetOnly.getBytes()));
        assertEquals(List.of(), looked, "nothing read for a class with nothing to weave");

        DynamicType.Unloaded<?> filter = new ByteBuddy().subclass(org.apache.catalina.filters.CorsFilter.class)
            .name("test.OwnDoFilter").method(named("doFilter")).intercept(SuperMethodCall.INSTANCE)
            .make();
        assertTrue(ServletApiTypes.has(types.roles(counting, "test/OwnDoFilter", filter.getBytes()), SERVICE, 0));
        assertTrue(looked.contains("org/apache/catalina/filters/CorsFilter.class"), looked.toString());

        // loaded (what an attach asks): the same answers
        ServletApiTypes attach = new ServletApiTypes("javax.servlet");
        assertEquals(0, attach.roles(doGetOnly.load(LOADER, ClassLoadingStrategy.Default.WRAPPER).getLoaded()));
        assertTrue(ServletApiTypes.has(attach.roles(filter.load(LOADER, ClassLoadingStrategy.Default.WRAPPER).getLoaded()), SERVICE, 0));
    }

    @Test
    void aSuperTypeTheLoaderCannotFindMakesNoMatch() {
        byte[] orphan = new ByteBuddy().subclass(Object.class).implement(java.io.Serializable.class)
            .name("test.Orphan").make().getBytes();
        assertEquals(0, new ServletApiTypes("javax.servlet").roles(LOADER, "test/Orphan", orphan));
    }
}
