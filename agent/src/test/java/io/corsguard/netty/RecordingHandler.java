package io.corsguard.netty;

import io.corsguard.bootstrap.CapturedRequest;
import io.corsguard.bootstrap.CorsGuardHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/** A fake agent behind the bridge: records every decision asked for and answers from a script. */
final class RecordingHandler implements CorsGuardHandler {

    record Call(String server, CapturedRequest request, int status, List<String> lines) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    volatile BiFunction<CapturedRequest, List<String>, String[]> script = (r, l) -> null;
    volatile boolean strip;

    void reset() {
        calls.clear();
        failures.clear();
        script = (r, l) -> null;
        strip = false;
    }

    @Override
    public String[] decide(String server, CapturedRequest request, int status, String[] lines, int lineCount) {
        List<String> flat = new ArrayList<>();
        for (int i = 0; i < lineCount; i++) {
            flat.add(lines[2 * i] + ": " + lines[2 * i + 1]);
        }
        calls.add(new Call(server, request, status, List.copyOf(flat)));
        return script.apply(request, flat);
    }

    @Override
    public void adviceFailed(String where, Throwable failure) {
        failures.add(where + ": " + failure);
    }

    @Override
    public boolean stripOnError() {
        return strip;
    }

    @Override
    public boolean enabled(String feature) {
        return false;
    }
}
