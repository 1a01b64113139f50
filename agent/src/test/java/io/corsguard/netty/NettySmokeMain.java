package io.corsguard.netty;

import io.corsguard.install.CorsGuardTransformer;
import io.corsguard.install.ServerInstrumentation;
import java.util.Collections;

import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.RequestQueue;
import net.bytebuddy.agent.ByteBuddyAgent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.corsguard.netty.RawClient.request;

/**
 * Hand check for another Netty line in a child JVM (the unit tests compile and run against 4.1):
 * <pre>
 * java -cp agent/target/classes:agent/target/test-classes:&lt;byte-buddy jars&gt;:&lt;netty 4.2 jars&gt; \
 *      io.corsguard.netty.NettySmokeMain
 * </pre>
 * Self-attaches, installs {@link NettyInstrumentation}, runs a few socket scenarios against a real
 * server and prints one PASS/FAIL line each; exit status 1 on any failure.
 */
public final class NettySmokeMain {

    private static final List<String> failures = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        System.out.println("netty: " + io.netty.util.Version.identify().get("netty-codec-http"));
        System.out.println("HttpObjectEncoder from: " + Class.forName(NettyInstrumentation.ENCODER)
            .getProtectionDomain().getCodeSource().getLocation());
        Set<String> transformed = ConcurrentHashMap.newKeySet();
        List<String> errors = new ArrayList<>();
        java.lang.instrument.Instrumentation inst = ByteBuddyAgent.install();
        // classes already loaded are retransformed by install(); each is told apart below
        Set<String> loadedBefore = new java.util.HashSet<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            loadedBefore.add(c.getName());
        }
        new CorsGuardTransformer(Collections.<ServerInstrumentation>singletonList(new NettyInstrumentation()),
            NettySmokeMain.class.getClassLoader(), new CorsGuardTransformer.Listener() {
                @Override
                public void woven(String className) {
                    transformed.add(className + (loadedBefore.contains(className) ? " (retransformed)" : ""));
                }

                @Override
                public void failed(String className, Throwable error) {
                    errors.add(className + ": " + error);
                }
            }).install(inst);
        RecordingHandler judge = new RecordingHandler();
        CorsGuardBridge.setHandler(judge);
        judge.script = (r, l) -> new String[] {
            "Access-Control-Allow-Origin", null, "Access-Control-Allow-Origin", r.origin,
            "Access-Control-Allow-Credentials", null, "Vary", "Origin"};

        for (boolean combined : new boolean[] {true, false}) {
            String codec = combined ? "HttpServerCodec" : "HttpRequestDecoder+HttpResponseEncoder";
            try (TestServer server = TestServer.start(combined)) {
                judge.reset();
                judge.script = (r, l) -> new String[] {
                    "Access-Control-Allow-Origin", null, "Access-Control-Allow-Origin", r.origin,
                    "Access-Control-Allow-Credentials", null, "Vary", "Origin"};
                try (RawClient c = new RawClient(server.port())) {
                    c.send(request("OPTIONS", "/cors?q", "Origin: https://a.example",
                        "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: x-a", "Cookie: c=1"));
                    RawClient.Response r = c.read();
                    var call = judge.calls.get(0);
                    check(codec + " facts", call.request().origin + " " + call.request().method + " " + call.request().path
                        + " " + call.request().requestMethod + " " + call.request().requestHeaders + " "
                        + call.request().credentialsHint, "https://a.example OPTIONS /cors PUT x-a true");
                    check(codec + " lines", call.lines().toString(), NettyInstrumentationTest.APP_CORS_LINES.toString());
                    check(codec + " ops applied", r.corsLines().toString(),
                        "[vary: Accept-Encoding, vary: Origin, access-control-expose-headers: X-A, "
                            + "Access-Control-Allow-Origin: https://a.example, Vary: Origin]");

                    StringBuilder burst = new StringBuilder();
                    for (int i = 0; i < 5; i++) {
                        burst.append(i == 2 ? request("GET", "/cors") : request("GET", i == 4 ? "/chunked" : "/cors", "Origin: https://p" + i + ".example"));
                    }
                    c.send(burst.toString());
                    List<String> acao = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        acao.add(String.join(",", c.read().values("Access-Control-Allow-Origin")));
                    }
                    check(codec + " pipelined x5 (one without Origin, last chunked)", acao.toString(),
                        "[https://p0.example, https://p1.example, *, https://p3.example, https://p4.example]");

                    c.send(request("HEAD", "/cors", "Origin: https://head.example"));
                    check(codec + " HEAD", c.read(true).values("Access-Control-Allow-Origin").toString(), "[https://head.example]");

                    c.send(request("POST", "/cors", "Origin: https://post.example", "Expect: 100-continue", "Content-Length: 2"));
                    RawClient.Response interim = c.read();
                    c.send("hi");
                    RawClient.Response fin = c.read();
                    check(codec + " 100-continue", interim.status() + " " + interim.values("Access-Control-Allow-Origin")
                        + " / " + fin.status() + " " + fin.values("Access-Control-Allow-Origin"), "100 [*] / 200 [https://post.example]");

                    c.send(request("GET", "/thread", "Origin: https://t.example"));
                    check(codec + " other thread", c.read().values("Access-Control-Allow-Origin").toString(), "[https://t.example]");

                    c.send(request("GET", "/cors", "Cookie: s=1"));
                    int before = judge.calls.size();
                    check(codec + " no Origin untouched", c.read().corsLines().toString(),
                        NettyInstrumentationTest.APP_CORS_LINES.toString());
                    check(codec + " no Origin not judged", String.valueOf(judge.calls.size() - before), "0");

                    int n = 100;
                    StringBuilder many = new StringBuilder();
                    for (int i = 0; i < n; i++) {
                        many.append(request("GET", "/hold?n=" + n, "Origin: https://h" + i + ".example"));
                    }
                    c.send(many.toString());
                    int wrong = 0;
                    int judged = 0;
                    for (int i = 0; i < n; i++) {
                        String v = String.join(",", c.read().values("Access-Control-Allow-Origin"));
                        if (v.equals("https://h" + i + ".example")) {
                            judged++;
                        } else if (!v.equals("*")) {
                            wrong++;
                        }
                    }
                    check(codec + " " + n + " pipelined", "judged=" + judged + " wrong=" + wrong + " " + server.queueSnapshots,
                        "judged=" + RequestQueue.CAPACITY + " wrong=0 [size=64 overflow=36]");
                }
                judge.script = (r, l) -> {
                    throw new IllegalStateException("boom");
                };
                judge.strip = true;
                try (RawClient c = new RawClient(server.port())) {
                    c.send(request("GET", "/cors", "Origin: https://x.example"));
                    check(codec + " failing judge, strip", c.read().values("Access-Control-Allow-Credentials").toString(), "[]");
                }
                check(codec + " no app exception", server.appExceptions.toString(), "[]");
            }
        }
        System.out.println("transformed: " + transformed);
        check("transform errors", errors.toString(), "[]");
        System.out.println(failures.isEmpty() ? "ALL PASS" : "FAILURES: " + failures);
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static void check(String what, String actual, String expected) {
        boolean ok = expected.equals(actual);
        System.out.println((ok ? "PASS " : "FAIL ") + what + (ok ? "" : ": expected " + expected + " but was " + actual));
        if (!ok) {
            failures.add(what);
        }
    }
}
