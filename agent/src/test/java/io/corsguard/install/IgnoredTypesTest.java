package io.corsguard.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The names the agent never instruments, decided before any class file is read. */
class IgnoredTypesTest {
    @Test
    void theJdkByteBuddyAndTheAgentAreIgnored() {
        assertTrue(IgnoredTypes.byName("java.lang.String"));
        assertTrue(IgnoredTypes.byName("jdk.internal.misc.Unsafe"));
        assertTrue(IgnoredTypes.byName("sun.nio.ch.SocketImpl"));
        assertTrue(IgnoredTypes.byName("com.sun.jmx.mbeanserver.JmxMBeanServer"));
        assertTrue(IgnoredTypes.byName("javax.management.ObjectName"));
        assertTrue(IgnoredTypes.byName("net.bytebuddy.ByteBuddy"));
        assertTrue(IgnoredTypes.byName("io.corsguard.shaded.bytebuddy.ByteBuddy"));
        assertTrue(IgnoredTypes.byName("io.corsguard.policy.Policy"));
        assertTrue(IgnoredTypes.byName("io.corsguard.bootstrap.CorsGuardBridge"));
    }

    @Test
    void theServletApiServersAndApplicationsAreNot() {
        assertFalse(IgnoredTypes.byName("javax.servlet.http.HttpServlet"), "containers put the servlet API in javax");
        assertFalse(IgnoredTypes.byName("jakarta.servlet.http.HttpServlet"));
        assertFalse(IgnoredTypes.byName("org.apache.catalina.connector.Response"));
        assertFalse(IgnoredTypes.byName("io.netty.handler.codec.http.HttpObjectEncoder"));
        assertFalse(IgnoredTypes.byName("io.corsguard.demo.DemoMain"), "the demo app shares the io.corsguard namespace");
    }

    @Test
    void internalNamesAreJudgedLikeBinaryNames() {
        String[] names = {"java.lang.String", "javax.management.ObjectName", "javax.servlet.http.HttpServlet",
            "jakarta.servlet.Filter", "io.corsguard.shaded.bytebuddy.ByteBuddy", "io.corsguard.demo.DemoMain",
            "io.netty.handler.codec.http.HttpObjectEncoder", "org.apache.catalina.connector.Response", "sun.misc.Unsafe"};
        for (String name : names) {
            assertEquals(IgnoredTypes.byName(name), IgnoredTypes.byInternalName(name.replace('.', '/')), name);
        }
    }
}
