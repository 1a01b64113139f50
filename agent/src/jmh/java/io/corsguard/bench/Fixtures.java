package io.corsguard.bench;

import io.corsguard.config.ConfigLoader;
import io.corsguard.config.ConfigResult;
import io.corsguard.config.CorsGuardConfig;
import io.corsguard.engine.Engine;
import io.corsguard.report.ReportSettings;
import io.corsguard.report.Reporter;

import java.util.Collections;

/** Shared set-up: the demo's allowlist, reports to /dev/null with dedupe on (60 s). */
final class Fixtures {
    static final String TRUSTED = "https://app.example.com";
    static final String UNTRUSTED = "https://evil.example";

    private Fixtures() {
    }

    static CorsGuardConfig config(String mode) {
        ConfigResult r = ConfigLoader.load("mode=" + mode
                + ";allowed-origins=https://app.example.com,http://localhost:8082,https://*.partner.example"
                + ";report.dedupe-window=60s;log.file=/dev/null;log.level=warn;reload.interval=0;jmx=false",
            Collections.<String, String>emptyMap(), Collections.<String, String>emptyMap());
        if (!r.ok()) {
            throw new IllegalStateException(r.errorMessages().toString());
        }
        return r.config();
    }

    /** A reporter whose violation lines go to /dev/null (a file appender on the null device). */
    static Reporter nullReporter() {
        return Reporter.start(new ReportSettings(ReportSettings.Format.TEXT, "/dev/null", "warn", 60_000));
    }

    static Engine engine(String mode) {
        return new Engine(config(mode), nullReporter());
    }
}
