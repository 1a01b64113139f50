package io.corsguard.install;

import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.config.ConfigError;
import io.corsguard.config.ConfigFileWatch;
import io.corsguard.config.ConfigLoader;
import io.corsguard.config.ConfigResult;
import io.corsguard.config.ConfigWarning;
import io.corsguard.config.CorsGuardConfig;
import io.corsguard.config.Mode;
import io.corsguard.engine.Engine;
import io.corsguard.report.Reporter;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/** The running agent: what detach, reload and the shutdown summary act on. One per JVM. */
final class Installation {
    private final Engine engine;
    private final Reporter reporter;
    private final ResettableClassFileTransformer transformer;
    private final Instrumentation inst;
    private final String agentArgs;
    private volatile Thread reloader;
    /** The file as last read, good or bad: a rejected edit is reported once, not every interval. */
    private volatile ConfigFileWatch watch;

    Installation(Engine engine, Reporter reporter, ResettableClassFileTransformer transformer,
                 Instrumentation inst, String agentArgs) {
        this.engine = engine;
        this.reporter = reporter;
        this.transformer = transformer;
        this.inst = inst;
        this.agentArgs = agentArgs;
        this.watch = engine.config().fileWatch();
    }

    /** Applies a new good configuration: takes effect on the next response. */
    synchronized void reconfigure(CorsGuardConfig config, String why) {
        engine.reconfigure(config);
        CorsGuardBridge.setHandler(config.mode() == Mode.OFF ? null : engine);
        for (ConfigWarning warning : config.warnings()) {
            reporter.warn(warning.message());
        }
        reporter.info("configuration " + (why == null ? "reloaded" : "applied (" + why + ")") + ": mode=" + config.mode().label()
            + ", config=" + config.source());
        watch = config.fileWatch();
    }

    void startReloading() {
        long interval = engine.config().reloadIntervalMillis();
        if (interval <= 0 || engine.config().configFile() == null) {
            return;
        }
        Thread t = new Thread(() -> reloadLoop(interval), "corsguard-reload");
        t.setDaemon(true);
        reloader = t;
        t.start();
    }

    private void reloadLoop(long interval) {
        while (reloader == Thread.currentThread()) {
            try {
                Thread.sleep(interval);
                checkFile();
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                reporter.agentFailure("reload", t);
            }
        }
    }

    private synchronized void checkFile() {
        ConfigFileWatch w = watch;
        if (w == null || !w.changed()) {
            return;
        }
        ConfigResult result = ConfigLoader.reload(engine.config());
        watch = result.fileWatch();
        if (!result.ok()) {
            for (ConfigError error : result.errors()) {
                reporter.error("configuration error: " + error.message());
            }
            reporter.error("reload rejected: keeping the last good configuration (mode="
                + engine.config().mode().label() + ")");
            return;
        }
        reconfigure(result.config(), null);
    }

    void shutdown() {
        Thread t = reloader;
        reloader = null;
        if (t != null) {
            t.interrupt();
        }
        try {
            reporter.flush();
            reporter.close();
        } catch (Throwable ignored) {
            // the JVM is going down; never delay or fail its exit
        }
    }

    ResettableClassFileTransformer transformer() {
        return transformer;
    }

    Instrumentation instrumentation() {
        return inst;
    }
}
