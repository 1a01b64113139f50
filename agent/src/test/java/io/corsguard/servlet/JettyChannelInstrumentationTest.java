package io.corsguard.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.install.ClassFileHeader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The Jetty 9.4/10 hook's class is {@code org.eclipse.jetty.server.HttpChannel}; Jetty 12 has an
 * interface of that name, which the hook must not match: matched and "not woven", it would release
 * what the generic layer holds back for Jetty 12's own hook (seen on the jakarta containers
 * fixture, which also holds Undertow).
 */
class JettyChannelInstrumentationTest {
    private static final String HTTP_CHANNEL = "org/eclipse/jetty/server/HttpChannel";

    @Test
    void jetty12sHttpChannelInterfaceIsNotTheHooksClass() throws Exception {
        ClassLoader loader = JettyChannelInstrumentationTest.class.getClassLoader();
        byte[] jetty12;
        try (InputStream in = loader.getResourceAsStream(HTTP_CHANNEL + ".class")) {
            assertNotNull(in, "Jetty 12 on the test class path");
            jetty12 = in.readAllBytes();
        }
        assertTrue(ClassFileHeader.parse(jetty12).isInterface(), "Jetty 12's HttpChannel is an interface");
        JettyChannelInstrumentation hook = new JettyChannelInstrumentation();
        assertFalse(hook.matches(loader, HTTP_CHANNEL, jetty12));
        assertFalse(hook.matches(Class.forName("org.eclipse.jetty.server.HttpChannel", false, loader)), "nor when attached");
    }

    @Test
    void jetty94sHttpChannelClassIsMatched() throws Exception {
        Path jar;
        try (Stream<Path> list = Files.list(Paths.get("target", "jetty9-api"))) {
            jar = list.filter(p -> p.getFileName().toString().startsWith("jetty-server-")).findFirst().orElseThrow();
        }
        byte[] jetty94;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(HTTP_CHANNEL + ".class");
            try (InputStream in = zip.getInputStream(entry)) {
                jetty94 = in.readAllBytes();
            }
        }
        assertFalse(ClassFileHeader.parse(jetty94).isInterface());
        assertTrue(new JettyChannelInstrumentation().matches(getClass().getClassLoader(), HTTP_CHANNEL, jetty94));
    }
}
