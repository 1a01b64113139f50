package io.corsguard.install;

import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.bootstrap.ServletBridge;
import io.corsguard.config.ConfigError;
import io.corsguard.config.ConfigFileWatch;
import io.corsguard.config.ConfigLoader;
import io.corsguard.config.ConfigResult;
import io.corsguard.config.ConfigWarning;
import io.corsguard.config.CorsGuardConfig;
import io.corsguard.config.Mode;
import io.corsguard.engine.Engine;
import io.corsguard.report.CorsGuardMBean;
import io.corsguard.report.ReportSettings;
import io.corsguard.report.Reporter;
import io.corsguard.servlet.CommitHookCoverage;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * The running agent: what detach, reload, the MBean and the shutdown summary act on. One per JVM
 * at a time; {@link #detach()} leaves no transformer, thread, MBean or shutdown hook behind.
 */
final class Installation {
    private final Engine engine;
    /** Replaced (counters kept) when a reload or attach changes the log settings. */
    private volatile Reporter reporter;
    private final CorsGuardTransformer transformer;
    private final CommitHookCoverage coverage;
    private final Instrumentation inst;
    /** The arguments of the latest attach (a second attach replaces them); reloads keep them. */
    private volatile String agentArgs;
    private volatile Thread reloader;
    private volatile Thread shutdownHook;
    private volatile ObjectName mbean;
    /** The file as last read, good or bad: a rejected edit is reported once, not every interval. */
    private volatile ConfigFileWatch watch;

    Installation(Engine engine, Reporter reporter, CorsGuardTransformer transformer, CommitHookCoverage coverage,
                 Instrumentation inst, String agentArgs) {
        this.engine = engine;
        this.reporter = reporter;
        this.transformer = transformer;
        this.coverage = coverage;
        this.inst = inst;
        this.agentArgs = agentArgs;
        this.watch = engine.config().fileWatch();
    }

    CorsGuardConfig config() {
        return engine.config();
    }

    Reporter reporter() {
        return reporter;
    }

    String agentArgs() {
        return agentArgs;
    }

    /**
     * A second attach (or the MBean's Mode): its arguments replace the first one's, also for later
     * file reloads. The reload thread starts over, since the file or interval may have changed.
     * Never called on the reload thread, which it stops.
     */
    synchronized void reconfigure(CorsGuardConfig config, String why, String newAgentArgs) {
        agentArgs = newAgentArgs;
        reconfigure(config, why);
        stopReloading();
        startReloading();
    }

    /** Applies a new good configuration: takes effect on the next response. */
    synchronized void reconfigure(CorsGuardConfig config, String why) {
        if (!config.testCommitHook()) {
            // the generic layer judges everywhere from now on: woven before the switch takes effect
            coverage.releaseAll("test.commit-hook=false");
        }
        ReportSettings logging = Installer.reportSettings(config);
        if (logging.toString().equals(reporter.settings().toString())) {
            engine.reconfigure(config);
        } else {
            // log.format/file/level or the dedupe window changed: a new reporter, same counters
            // and learned origins; the old one is flushed and closed
            Reporter next = reporter.restart(logging);
            engine.reconfigure(config, next);
            reporter = next;
        }
        if (config.jmx() != (mbean != null)) {
            if (config.jmx()) {
                registerMBean();
            } else {
                unregisterMBean();
            }
        }
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
        if (reloader != Thread.currentThread()) {
            return; // detached while this thread waited for the lock: must not re-enable the handler
        }
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

    /** Registers the MBean when {@code jmx=true}; a failure is reported, never fatal. */
    synchronized void registerMBean() {
        if (!engine.config().jmx()) {
            return;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(CorsGuardMBean.OBJECT_NAME);
            if (server.isRegistered(name)) {
                // left by an agent that could not unregister (it never should): ours is current
                server.unregisterMBean(name);
            }
            server.registerMBean(new StandardMBean(new AgentMBean(this), CorsGuardMBean.class), name);
            mbean = name;
        } catch (Throwable t) {
            reporter.agentFailure("jmx", t, "the agent runs without its MBean");
        }
    }

    private void unregisterMBean() {
        ObjectName name = mbean;
        mbean = null;
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (Throwable ignored) {
                // already gone
            }
        }
    }

    void addShutdownHook() {
        Thread hook = new Thread(this::shutdown, "corsguard-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
    }

    /**
     * Takes the agent out: advice returns at once (no handler), the classes are restored to the
     * application's bytecode, the reload thread stops, the MBean and the shutdown hook go, the
     * reporter closes. Counters and learned origins go with it; a later attach starts afresh.
     */
    synchronized void detach() {
        CorsGuardBridge.setInstalled(false);
        CorsGuardBridge.setHandler(null);
        ServletBridge.reset();
        stopReloading();
        boolean restored = false;
        try {
            // an uninstalled transformer is not reused: a later attach builds a new one
            restored = transformer.uninstall(inst);
        } catch (Throwable t) {
            reporter.agentFailure("detach", t, "advice stays woven in but does nothing (no handler)");
        }
        unregisterMBean();
        Thread hook = shutdownHook;
        shutdownHook = null;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already exiting
            }
        }
        reporter.info("CorsGuard detached" + (restored ? ": classes restored" : ""));
        reporter.close();
    }

    private void stopReloading() {
        Thread t = reloader;
        reloader = null;
        if (t != null) {
            t.interrupt();
        }
    }

    void shutdown() {
        stopReloading();
        try {
            reporter.flush();
            summary();
            reporter.close();
        } catch (Throwable ignored) {
            // the JVM is going down; never delay or fail its exit
        }
    }

    /** The block printed at JVM exit: what was judged, what fired, who received credentials. */
    private void summary() {
        Map<String, Long> c = reporter.counters().snapshot();
        StringBuilder rules = new StringBuilder();
        StringBuilder actions = new StringBuilder();
        for (Map.Entry<String, Long> e : c.entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            if (e.getKey().startsWith("rule.")) {
                rules.append(rules.length() == 0 ? "" : ", ").append(e.getKey().substring(5)).append('=').append(e.getValue());
            } else if (e.getKey().startsWith("action.")) {
                actions.append(actions.length() == 0 ? "" : ", ").append(e.getKey().substring(7)).append('=').append(e.getValue());
            }
        }
        reporter.info("summary: mode=" + engine.config().mode().label() + ", responses judged=" + c.get("responses.judged")
            + ", corrected=" + c.get("responses.corrected") + ", agent errors=" + c.get("errors.total"));
        reporter.info("summary: violations by rule: " + (rules.length() == 0 ? "none" : rules.toString()));
        reporter.info("summary: by action: " + (actions.length() == 0 ? "none" : actions.toString()));
        Map<String, Long> learned = reporter.learnedOrigins();
        StringBuilder origins = new StringBuilder();
        for (Map.Entry<String, Long> e : learned.entrySet()) {
            origins.append(origins.length() == 0 ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue()).append(')');
        }
        reporter.info("summary: origins sent credentials: " + (origins.length() == 0 ? "none" : origins.toString()));
        if (!learned.isEmpty()) {
            reporter.info("summary: suggested " + reporter.suggestedAllowedOrigins());
        }
    }

    CorsGuardTransformer transformer() {
        return transformer;
    }

    Instrumentation instrumentation() {
        return inst;
    }
}
