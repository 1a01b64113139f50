package io.corsguard.servlet;

import io.corsguard.bootstrap.CorsGuardBridge;
import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * A child JVM running Tomcat 11 (jakarta) with both instrumentations woven in and the fake
 * handler: prints {@code WOVEN type} / {@code ERROR type: error} per transformation,
 * {@code PORT n}, then {@code CALL origin|status|line ; line ...} per decision, and stops when
 * stdin closes. Argument: {@code hook} or {@code generic}.
 */
public final class TomcatChildMain {

    private TomcatChildMain() {
    }

    public static void main(String[] args) throws Exception {
        new Weaver().weave(TomcatChildMain::println);
        FakeHandler handler = new FakeHandler();
        handler.commitHook = "hook".equals(args[0]);
        handler.listener = call -> println("CALL " + call.request.origin + "|" + call.status + "|"
            + String.join(" ; ", call.lines));
        CorsGuardBridge.setHandler(handler);
        JakartaTestApp app = new JakartaTestApp();
        int port = app.start();
        println("PORT " + port);
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        app.stop();
    }

    private static void println(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
