package io.corsguard.install;

import io.corsguard.bootstrap.CorsGuardBridge;
import io.corsguard.config.ConfigError;
import io.corsguard.config.ConfigLoader;
import io.corsguard.config.ConfigResult;
import io.corsguard.config.ConfigWarning;
import io.corsguard.config.CorsGuardConfig;
import io.corsguard.config.Mode;
import io.corsguard.config.TestFault;
import io.corsguard.engine.Engine;
import io.corsguard.netty.NettyInstrumentation;
import io.corsguard.report.ReportSettings;
import io.corsguard.report.Reporter;
import io.corsguard.servlet.CommitHookCoverage;
import io.corsguard.servlet.ServletInstrumentation;
import io.corsguard.servlet.Jetty12Instrumentation;
import io.corsguard.servlet.JettyChannelInstrumentation;
import io.corsguard.servlet.TomcatInstrumentation;
import io.corsguard.servlet.UndertowInstrumentation;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;


/**
 * Starts the agent inside its hidden class loader: configuration, reporter, engine, then one
 * {@link CorsGuardTransformer} with each server family's narrow matchers.
 * A bad configuration leaves the agent inert (nothing installed) and the application untouched.
 */
public final class Installer {
    static final String VERSION = "0.1.0";
    /** Byte Buddy's {@code net.bytebuddy.safe}, as relocated by the shade plugin. */
    private static final String SHADED_BYTE_BUDDY_SAFE = "io.corsguard.shaded.bytebuddy.safe";

    /**
     * Where the outcome of the latest start is left for the CLI, which reads it with the attach
     * API after {@code loadAgent} returns. Not {@code corsguard.*}: those are configuration.
     */
    static final String STATE_PROPERTY = "io.corsguard.agent.state";

    private static Installation current;

    /**
     * How long a class being loaded waits for the classes the generic layer held back to be woven
     * when its loading shows they are needed (a hook that failed, a response no hook judges).
     */
    static final long RELEASE_WAIT_MILLIS = 5000;

    private Installer() {
    }

    /**
     * How the launcher, in another class loader, starts the agent: {@code [agentArgs, inst, attach]}.
     * A JDK interface and a public no-argument constructor, so the launcher needs no reflective call.
     */
    public static final class Entry implements Consumer<Object[]> {
        @Override
        public void accept(Object[] args) {
            start((String) args[0], (Instrumentation) args[1], (Boolean) args[2]);
        }
    }

    /** Called by the launcher through {@link Entry}. Never throws into the host JVM. */
    public static synchronized void start(String agentArgs, Instrumentation inst, boolean attach) {
        try {
            state("failed: the agent did not finish starting");
            // our (relocated) Byte Buddy needs no class injection; its safe mode keeps it off
            // sun.misc.Unsafe, which Java 24+ warns about on the application's stderr
            if (System.getProperty(SHADED_BYTE_BUDDY_SAFE) == null) {
                System.setProperty(SHADED_BYTE_BUDDY_SAFE, "true");
            }
            if (current != null) {
                // a second attach reconfigures the running agent instead of instrumenting twice;
                // its arguments replace the first attach's (file, system properties, environment re-read)
                reattach(agentArgs);
                return;
            }
            ConfigResult result = ConfigLoader.load(agentArgs, SystemSources.properties(), System.getenv());
            if (!result.ok()) {
                List<ConfigError> errors = new ArrayList<>(result.errors());
                // in file order, so a user fixes them top to bottom
                Collections.sort(errors, Comparator.comparingInt(ConfigError::line));
                for (ConfigError error : errors) {
                    System.err.println("[corsguard] configuration error: " + error.message());
                }
                System.err.println("[corsguard] CorsGuard is inert: " + result.errors().size()
                    + " configuration error(s); nothing was installed and the application runs without the agent");
                state("inert: " + result.errors().size() + " configuration error(s): " + join(errors));
                return;
            }
            CorsGuardConfig config = result.config();
            current = install(config, inst, attach, agentArgs);
            state("attached: mode=" + config.mode().label() + "; config=" + config.source());
        } catch (Throwable t) {
            System.err.println("[corsguard] the agent failed to start and is inert; the application runs without it: " + t);
            state("failed: " + t);
        }
    }

    private static void reattach(String agentArgs) {
        Installation running = current;
        ConfigResult result = ConfigLoader.reload(running.config(), agentArgs, SystemSources.properties(), System.getenv());
        if (!result.ok()) {
            for (ConfigError error : result.errors()) {
                running.reporter().error("configuration error: " + error.message());
            }
            String mode = running.config().mode().label();
            running.reporter().error("attach rejected: keeping the running configuration (mode=" + mode + ")");
            state("rejected: " + result.errors().size() + " configuration error(s), kept mode=" + mode + ": " + join(result.errors()));
            return;
        }
        running.reconfigure(result.config(), "attach", agentArgs);
        state("reconfigured: mode=" + result.config().mode().label() + "; config=" + result.config().source());
    }

    /** Sets the mode on the running agent (the MBean's writable attribute), other settings kept. */
    static synchronized void setMode(String mode) {
        Installation running = current;
        if (running == null) {
            throw new IllegalStateException("CorsGuard is detached");
        }
        ConfigResult result = ConfigLoader.reload(running.config(), withMode(running.agentArgs(), mode),
            SystemSources.properties(), System.getenv());
        if (!result.ok()) {
            throw new IllegalArgumentException(join(result.errors()));
        }
        running.reconfigure(result.config(), "jmx", withMode(running.agentArgs(), mode));
    }

    /** The agent arguments with {@code mode} replaced: a repeated key would be an error. */
    static String withMode(String agentArgs, String mode) {
        StringBuilder sb = new StringBuilder();
        if (agentArgs != null) {
            for (String part : agentArgs.split(";", -1)) {
                int eq = part.indexOf('=');
                String name = (eq < 0 ? part : part.substring(0, eq)).trim();
                if (part.trim().isEmpty() || name.equals("mode") || name.equals("corsguard.mode")) {
                    continue;
                }
                sb.append(part.trim()).append(';');
            }
        }
        return sb.append("mode=").append(mode).toString();
    }

    /** Detach: restores the classes and forgets the installation, so a later attach installs afresh. */
    static synchronized void detach() {
        Installation running = current;
        current = null;
        if (running != null) {
            running.detach();
        }
        state("detached");
    }

    private static String join(List<ConfigError> errors) {
        StringBuilder sb = new StringBuilder();
        for (ConfigError e : errors) {
            sb.append(sb.length() == 0 ? "" : " | ").append(e.message());
        }
        return sb.toString();
    }

    private static void state(String s) {
        try {
            System.setProperty(STATE_PROPERTY, s);
        } catch (Throwable ignored) {
            // a security manager may refuse: the CLI then reports the state as unknown
        }
    }

    private static Installation install(CorsGuardConfig config, Instrumentation inst, boolean attach, String agentArgs) {
        Reporter reporter = Reporter.start(reportSettings(config));
        for (ConfigWarning warning : config.warnings()) {
            reporter.warn(warning.message());
        }
        Engine engine = new Engine(config, reporter);
        CorsGuardBridge.setHandler(config.mode() == Mode.OFF ? null : engine);
        CorsGuardBridge.setInstalled(true);

        // the generic servlet layer is held back where a commit hook judges (start-up cost)
        CommitHookCoverage coverage = new CommitHookCoverage(config.testCommitHook(),
            config.testFault() == TestFault.WEAVE_HOOK, new CoverageListener(engine));
        List<ServerInstrumentation> families = Arrays.<ServerInstrumentation>asList(
            new TomcatInstrumentation(coverage), new UndertowInstrumentation(coverage), new Jetty12Instrumentation(coverage),
            new JettyChannelInstrumentation(coverage), new ServletInstrumentation(coverage), new NettyInstrumentation());
        StringBuilder names = new StringBuilder();
        for (ServerInstrumentation family : families) {
            names.append(names.length() == 0 ? "" : ",").append(family.name());
        }
        final CorsGuardTransformer transformer = new CorsGuardTransformer(families, Installer.class.getClassLoader(), new FailureListener(engine));
        coverage.onRelease(classes -> transformer.retransform(inst, classes, RELEASE_WAIT_MILLIS));
        if (!attach) {
            transformer.preWeave();
        }
        transformer.install(inst);

        Installation installation = new Installation(engine, reporter, transformer, coverage, inst, agentArgs);
        reporter.info("CorsGuard " + VERSION + " " + (attach ? "attached" : "started") + ": mode=" + config.mode().label()
            + ", config=" + config.source()
            + ", allowed-origins=" + config.allowedOriginsAsWritten().size() + " entr" + (config.allowedOriginsAsWritten().size() == 1 ? "y" : "ies")
            + ", instrumentation=" + names);
        installation.startReloading();
        if (attach) {
            // the CLI reads the MBean as soon as loadAgent returns
            installation.registerMBean();
        } else {
            // off the application's start: creating the platform MBean server takes tens of ms.
            // Byte Buddy is not warmed up here: the server classes themselves are woven ahead
            // (PreWeaving), and a warm-up besides cost CPU the start-up needs (BENCHMARKS.md section 21)
            Thread init = new Thread(() -> registerMBean(installation), "corsguard-start");
            init.setDaemon(true);
            init.start();
        }
        installation.addShutdownHook();
        return installation;
    }

    private static void registerMBean(Installation installation) {
        synchronized (Installer.class) {
            if (current == installation) {
                installation.registerMBean();
            }
        }
    }

    static ReportSettings reportSettings(CorsGuardConfig config) {
        return new ReportSettings(ReportSettings.Format.parse(config.logFormat().label()), config.logFile(),
            config.logLevel().label(), config.reportDedupeWindowMillis());
    }
}
