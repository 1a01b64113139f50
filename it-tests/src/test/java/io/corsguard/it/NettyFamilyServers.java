package io.corsguard.it;

import io.corsguard.it.DemoServers.Setup;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Netty-based servers people run, each in child JVMs with its own server generation's class
 * path: the fixtures of {@code it-tests/servers/*} run from their {@code target/classes} and
 * {@code target/lib} (copied by the build), Netty's own CorsHandler fixture from the test class
 * path (Netty 4.1). One JVM per server and agent setup, shared by the test methods of a class and
 * killed by {@link #closeAll()} (each test class calls it when it ends).
 */
final class NettyFamilyServers {

    /** A server fixture and where its classes come from. */
    enum Server {
        REACTOR_NETTY_12("reactor-netty", "io.corsguard.it.servers.ReactorNettyServer"),
        REACTOR_NETTY_13("reactor-netty-13", "io.corsguard.it.servers.ReactorNettyServer"),
        WEBFLUX("webflux", "io.corsguard.it.servers.WebFluxApp"),
        VERTX_45("vertx4", "io.corsguard.it.servers.VertxServer"),
        VERTX_5("vertx5", "io.corsguard.it.servers.VertxServer"),
        /** Netty 4.1's io.netty.handler.codec.http.cors.CorsHandler, from the test class path. */
        NETTY_CORS_HANDLER(null, "io.corsguard.it.fixtures.NettyCorsHandlerServer"),
        /** Plain Netty 4.1 HttpServerCodec, responses written whole, chunked, to HEAD, from an app thread. */
        PLAIN_NETTY(null, "io.corsguard.it.fixtures.PlainNettyServer");

        final String module;
        final String mainClass;

        Server(String module, String mainClass) {
            this.module = module;
            this.mainClass = mainClass;
        }

        String classpath() {
            if (module == null) {
                return ChildJvm.testClasspath();
            }
            Path dir = Paths.get(System.getProperty("corsguard.servers.dir", "servers"), module, "target").toAbsolutePath();
            if (!Files.isDirectory(dir.resolve("lib"))) {
                throw new AssertionError(dir.resolve("lib") + " missing: build it-tests/servers/" + module + " first (mvn install)");
            }
            return dir.resolve("classes") + File.pathSeparator + dir.resolve("lib") + File.separator + "*";
        }
    }

    /** One running server: its JVM, its port and the jar names it printed. */
    static final class Running {
        final ChildJvm jvm;
        final int port;
        /** A second port with HTTP/2 cleartext enabled, where the fixture has one (Reactor Netty); else -1. */
        final int h2cPort;
        final String jars;

        Running(ChildJvm jvm, int port, int h2cPort, String jars) {
            this.jvm = jvm;
            this.port = port;
            this.h2cPort = h2cPort;
            this.jars = jars;
        }
    }

    private static final Map<String, Running> RUNNING = new ConcurrentHashMap<>();
    private static final Pattern READY = Pattern.compile("READY port=(\\d+)(?: h2c=(\\d+))?");

    private NettyFamilyServers() {
    }

    static synchronized Running get(Server server, Setup setup) {
        String key = server + "/" + setup;
        Running r = RUNNING.get(key);
        if (r != null && r.jvm.alive()) {
            return r;
        }
        try {
            List<String> jvmArgs = new ArrayList<>();
            jvmArgs.add("-Xmx256m");
            if (setup.agentArgs != null) {
                jvmArgs.add(ChildJvm.javaagent(setup.agentArgs + ";" + DemoServers.COMMON));
            }
            ChildJvm jvm = ChildJvm.start(jvmArgs, server.classpath(), server.mainClass);
            String line = jvm.awaitLine(l -> READY.matcher(l).find(), Duration.ofSeconds(90));
            Matcher m = READY.matcher(line);
            m.find();
            String jars = jvm.stdout().stream().filter(l -> l.startsWith("server jars: ")).findFirst().orElse("?");
            r = new Running(jvm, Integer.parseInt(m.group(1)), m.group(2) == null ? -1 : Integer.parseInt(m.group(2)), jars);
            RUNNING.put(key, r);
            return r;
        } catch (Exception e) {
            throw new AssertionError("cannot start " + server + " for " + setup, e);
        }
    }

    static synchronized void closeAll() {
        for (Running r : RUNNING.values()) {
            r.jvm.close();
        }
        RUNNING.clear();
    }

    /** Waits until {@code jvm}'s stderr has been quiet for a moment; returns the JSON lines since {@code mark}. */
    static List<String> reportLinesSince(ChildJvm jvm, int mark) {
        int last = -1;
        for (int i = 0; i < 40; i++) {
            ChildJvm.sleep(25);
            int now = jvm.stderr().size();
            if (now == last && i >= 3) {
                break;
            }
            last = now;
        }
        List<String> lines = new ArrayList<>();
        List<String> err = jvm.stderr();
        for (int i = mark; i < err.size(); i++) {
            if (err.get(i).startsWith("{")) {
                lines.add(err.get(i));
            }
        }
        return lines;
    }
}
