package io.corsguard.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corsguard.netty.NettyInstrumentation;
import io.corsguard.servlet.Jetty12Instrumentation;
import io.corsguard.servlet.JettyChannelInstrumentation;
import io.corsguard.servlet.ServletInstrumentation;
import io.corsguard.servlet.TomcatInstrumentation;
import io.corsguard.servlet.UndertowInstrumentation;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import org.junit.jupiter.api.Test;

/**
 * The weaver runs the advice's visitor between a plain ASM reader and writer instead of through
 * Byte Buddy's decorating type builder. Both must give the same class file, byte for byte, for
 * every class that a family matches in every server on the test class path and beside it (Tomcat 9
 * and 11, Jetty 9.4, 10 and 12's core, Undertow, Netty 4.1's HTTP/1.x and HTTP/2 codecs and 4.2's
 * HTTP/1.x codec, both servlet APIs and the test servlets), woven by all the families that match
 * it at once, as the transformer does.
 */
class WeaverTest {

    /** What the weaver did before with the advice chosen: {@code ByteBuddy.decorate(type).visit(wrapper).make()}. */
    private static byte[] decorate(Weaving weaving) {
        return new ByteBuddy().with(TypeValidation.DISABLED).with(Implementation.Context.Disabled.Factory.INSTANCE)
            .decorate(weaving.type(), weaving.locator()).visit(weaving.wrapper())
            .make(TypeResolutionStrategy.Disabled.INSTANCE, weaving.pool()).getBytes();
    }

    private static List<ServerInstrumentation> families() {
        List<ServerInstrumentation> families = new ArrayList<>();
        families.add(new TomcatInstrumentation());
        families.add(new UndertowInstrumentation());
        families.add(new Jetty12Instrumentation());
        families.add(new JettyChannelInstrumentation());
        families.add(new ServletInstrumentation());
        families.add(new NettyInstrumentation());
        return families;
    }

    @Test
    void wovenClassFilesAreThoseOfTheDecoratingBuilder() throws Exception {
        ClassLoader testLoader = WeaverTest.class.getClassLoader();
        Set<Path> sources = new LinkedHashSet<>();
        for (Class<?> server : new Class<?>[] {org.apache.catalina.connector.Response.class,
            org.apache.coyote.http11.Http11Processor.class, io.netty.handler.codec.http.HttpObjectEncoder.class,
            io.netty.handler.codec.http2.Http2FrameCodec.class, io.undertow.server.HttpServerExchange.class,
            org.eclipse.jetty.server.Server.class, javax.servlet.http.HttpServlet.class,
            jakarta.servlet.http.HttpServlet.class, WeaverTest.class}) {
            sources.add(Paths.get(server.getProtectionDomain().getCodeSource().getLocation().toURI()));
        }
        Map<String, Integer> wovenPerSource = new TreeMap<>();
        int woven = 0;
        for (Path source : sources) {
            int n = weaveAll(source, testLoader);
            wovenPerSource.put(source.getFileName().toString(), n);
            woven += n;
        }
        // the older Jetty versions, the demo's Netty 4.2 and Tomcat 11, each in a loader of its own
        // as an application would have it: Tomcat 11's jar is whole (the bootstrap loader above it),
        // the others find their super types (of the same names in the versions above) on the test
        // class path
        for (String version : new String[] {"jetty9-api", "jetty10-api", "netty42", "tomcat11"}) {
            Path dir = Paths.get("target", version);
            List<Path> jars;
            try (Stream<Path> list = Files.list(dir)) {
                jars = list.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
            }
            URL[] urls = new URL[jars.size()];
            for (int i = 0; i < urls.length; i++) {
                urls[i] = jars.get(i).toUri().toURL();
            }
            try (URLClassLoader loader = new URLClassLoader(urls, version.equals("tomcat11") ? null : testLoader)) {
                int n = 0;
                for (Path jar : jars) {
                    n += weaveAll(jar, loader);
                }
                wovenPerSource.put(version, n);
                woven += n;
            }
        }
        // every server's classes were matched and woven, so the comparison above covered them
        for (Map.Entry<String, Integer> e : wovenPerSource.entrySet()) {
            assertTrue(e.getValue() > 0, "no class woven from " + e.getKey() + ": " + wovenPerSource);
        }
        assertTrue(woven >= 40, "woven: " + wovenPerSource);
    }

    /** Weaves every class of {@code source} some family matches both ways; returns how many were woven. */
    private static int weaveAll(Path source, ClassLoader loader) throws IOException {
        Map<String, byte[]> classes = classFiles(source);
        List<ServerInstrumentation> families = families();
        Weaver weaver = new Weaver(WeaverTest.class.getClassLoader());
        int woven = 0;
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            String internalName = e.getKey();
            byte[] classFile = e.getValue();
            List<ServerInstrumentation> matched = new ArrayList<>();
            for (ServerInstrumentation family : families) {
                if (family.matches(loader, internalName, classFile)) {
                    matched.add(family);
                }
            }
            if (matched.isEmpty()) {
                continue;
            }
            ServerInstrumentation[] chosen = matched.toArray(new ServerInstrumentation[0]);
            Weaving weaving = weaver.advise(loader, internalName, classFile, chosen);
            byte[] actual = weaver.weave(loader, internalName, classFile, chosen);
            if (weaving == null) {
                assertEquals(null, actual, internalName);
                continue;
            }
            assertArrayEquals(decorate(weaving), actual, internalName + " (" + source.getFileName() + ")");
            assertTrue(!java.util.Arrays.equals(classFile, actual), internalName + " was not changed");
            woven++;
        }
        return woven;
    }

    private static Map<String, byte[]> classFiles(Path source) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        if (Files.isDirectory(source)) {
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path p : walk.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
                    String rel = source.relativize(p).toString().replace(File.separatorChar, '/');
                    classes.put(rel.substring(0, rel.length() - ".class".length()), Files.readAllBytes(p));
                }
            }
            return classes;
        }
        try (JarFile jar = new JarFile(source.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String n = entry.getName();
                if (!n.endsWith(".class") || n.startsWith("META-INF/") || n.endsWith("module-info.class")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    byte[] buf = new byte[8192];
                    for (int r; (r = in.read(buf)) > 0; ) {
                        out.write(buf, 0, r);
                    }
                    classes.put(n.substring(0, n.length() - ".class".length()), out.toByteArray());
                }
            }
        }
        return classes;
    }
}
