package io.corsguard.cli;

import io.corsguard.policy.Action;
import io.corsguard.policy.Rule;
import io.corsguard.report.CorsGuardMBean;
import java.io.File;
import java.io.PrintStream;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code java -jar corsguard-agent.jar <verb>}: the operator's command line (DESIGN.md §4).
 * Exit codes: 0 ok, 1 target or attach failure (the reason on stderr), 2 usage error.
 * {@code status}, {@code report} and {@code detach} talk to the agent's MBean through the target's
 * local JMX connector, started by the attach API: loopback only, no port configured or opened by us.
 */
public final class Cli {
    static final int OK = 0;
    static final int TARGET_FAILURE = 1;
    static final int USAGE = 2;
    static final String VERSION = "0.1.0";
    /** Set by the agent in the target at every start (Installer.STATE_PROPERTY). */
    static final String STATE_PROPERTY = "io.corsguard.agent.state";

    private final PrintStream out;
    private final PrintStream err;

    private Cli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return new Cli(out, err).execute(args);
    }

    int execute(String[] args) {
        if (args.length == 0) {
            return usage(null);
        }
        String verb = args[0];
        try {
            if (("version".equals(verb) || "--version".equals(verb)) && args.length == 1) {
                out.println("CorsGuard " + VERSION);
                return OK;
            }
            if ("help".equals(verb) || "--help".equals(verb) || "-h".equals(verb)) {
                usage(null);
                return OK;
            }
            if ("list".equals(verb) && args.length == 1) {
                return list();
            }
            if ("attach".equals(verb) && args.length >= 2) {
                // extra words are joined as further key=value pairs: attach 42 mode=correct config=/x
                StringBuilder agentArgs = new StringBuilder();
                for (int i = 2; i < args.length; i++) {
                    agentArgs.append(agentArgs.length() == 0 ? "" : ";").append(args[i]);
                }
                return attach(pid(args[1]), agentArgs.toString());
            }
            if (args.length == 2 && ("detach".equals(verb) || "status".equals(verb) || "report".equals(verb))) {
                return withAgent(pid(args[1]), verb);
            }
            return usage(isVerb(verb) ? "wrong arguments for " + verb : "unknown command '" + verb + "'");
        } catch (UsageException e) {
            return usage(e.getMessage());
        } catch (Jvms.TargetException e) {
            err.println("corsguard: " + e.getMessage());
            return TARGET_FAILURE;
        }
    }

    private static boolean isVerb(String v) {
        return "version".equals(v) || "list".equals(v) || "attach".equals(v) || "detach".equals(v)
            || "status".equals(v) || "report".equals(v);
    }

    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private static String pid(String s) throws UsageException {
        if (s.isEmpty() || s.length() > 18) {
            throw new UsageException("not a pid: '" + s + "'");
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new UsageException("not a pid: '" + s + "'");
            }
        }
        return s;
    }

    private int usage(String problem) {
        if (problem != null) {
            err.println("corsguard: " + problem);
        }
        err.println("usage: java -jar corsguard-agent.jar <command>");
        err.println("  list                          running JVMs (pid, main class)");
        err.println("  attach <pid> [key=value;...]  load the agent into a running JVM (again: reconfigure it)");
        err.println("  detach <pid>                  remove the agent: classes restored, threads stopped");
        err.println("  status <pid>                  mode, config source, counters by rule, learned origins");
        err.println("  report <pid>                  origins sent credentials and a suggested allowed-origins line");
        err.println("  version                       print the agent version");
        err.println("as an agent: -javaagent:corsguard-agent.jar=config=/path/corsguard.properties;mode=monitor");
        err.println("exit codes: 0 ok, 1 target or attach failure, 2 usage error");
        return USAGE;
    }

    private int list() throws Jvms.TargetException {
        for (Jvms.Jvm j : Jvms.load().list()) {
            out.println(j.pid + " " + j.mainClass());
        }
        return OK;
    }

    private int attach(String pid, String agentArgs) throws Jvms.TargetException {
        Jvms jvms = Jvms.load();
        String jar = agentJar();
        try (Jvms.Target target = jvms.attach(pid)) {
            target.loadAgent(jar, agentArgs);
            // loadAgent returns after agentmain, which leaves its outcome in a system property
            String state = target.systemProperties().getProperty(STATE_PROPERTY, "");
            if (state.startsWith("attached: ")) {
                out.println("attached to pid " + pid + ": " + state.substring("attached: ".length()));
                return OK;
            }
            if (state.startsWith("reconfigured: ")) {
                out.println("attached to pid " + pid + " (already running: reconfigured): " + state.substring("reconfigured: ".length()));
                return OK;
            }
            throw new Jvms.TargetException("pid " + pid + ": the agent did not start: "
                + (state.isEmpty() ? "no outcome reported (see the target's stderr)" : state));
        }
    }

    private int withAgent(String pid, String verb) throws Jvms.TargetException {
        Jvms jvms = Jvms.load();
        String url;
        String state;
        try (Jvms.Target target = jvms.attach(pid)) {
            state = target.systemProperties().getProperty(STATE_PROPERTY, "");
            if (!state.startsWith("attached") && !state.startsWith("reconfigured") && !state.startsWith("rejected")) {
                throw new Jvms.TargetException("no CorsGuard agent is running in pid " + pid
                    + (state.isEmpty() ? "" : " (" + state + ")") + "; attach it first");
            }
            url = target.localJmxUrl();
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url))) {
            MBeanServerConnection mbs = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName(CorsGuardMBean.OBJECT_NAME);
            if (!mbs.isRegistered(name)) {
                throw new Jvms.TargetException("CorsGuard in pid " + pid + " has no MBean (started with jmx=false?); "
                    + verb + " needs it");
            }
            if ("detach".equals(verb)) {
                mbs.invoke(name, "detach", new Object[0], new String[0]);
                out.println("detached from pid " + pid + ": classes restored, agent threads stopped");
            } else if ("status".equals(verb)) {
                status(pid, mbs, name);
            } else {
                report(pid, mbs, name);
            }
            return OK;
        } catch (Jvms.TargetException e) {
            throw e;
        } catch (Exception e) {
            throw new Jvms.TargetException("cannot reach CorsGuard in pid " + pid + " over JMX: " + Jvms.reason(e));
        }
    }

    @SuppressWarnings("unchecked")
    private void status(String pid, MBeanServerConnection mbs, ObjectName name) throws Exception {
        Map<String, Long> c = (Map<String, Long>) mbs.getAttribute(name, "Counters");
        out.println("CorsGuard " + mbs.getAttribute(name, "Version") + " in pid " + pid);
        out.println("mode: " + mbs.getAttribute(name, "Mode"));
        out.println("config: " + mbs.getAttribute(name, "ConfigSource"));
        out.println("responses judged: " + c.get("responses.judged") + ", corrected: " + c.get("responses.corrected")
            + ", agent errors: " + c.get("errors.total"));
        out.println("violations by rule:");
        boolean any = false;
        for (Rule r : Rule.values()) {
            Long n = c.get("rule." + r.code());
            if (n != null && n > 0) {
                out.println("  " + r.code() + " " + r.ruleName() + ": " + n);
                any = true;
            }
        }
        if (!any) {
            out.println("  none");
        }
        out.println("by action:");
        any = false;
        for (Action a : Action.values()) {
            Long n = c.get("action." + a.label());
            if (n != null && n > 0) {
                out.println("  " + a.label() + ": " + n);
                any = true;
            }
        }
        if (!any) {
            out.println("  none");
        }
        Map<String, Long> errors = (Map<String, Long>) mbs.getAttribute(name, "AgentErrors");
        for (Map.Entry<String, Long> e : errors.entrySet()) {
            if (e.getKey().startsWith("error.")) {
                out.println("agent error " + e.getKey().substring("error.".length()) + ": " + e.getValue());
            }
        }
        printOrigins((Map<String, Long>) mbs.getAttribute(name, "LearnedOrigins"));
    }

    @SuppressWarnings("unchecked")
    private void report(String pid, MBeanServerConnection mbs, ObjectName name) throws Exception {
        Map<String, Long> learned = (Map<String, Long>) mbs.getAttribute(name, "LearnedOrigins");
        out.println("CorsGuard in pid " + pid + ", mode " + mbs.getAttribute(name, "Mode"));
        printOrigins(learned);
        if (learned.isEmpty()) {
            out.println("suggested: nothing yet (no response carried credentials)");
        } else {
            // review before use: in monitor mode untrusted origins that were sent credentials are listed too
            out.println("suggested (review each origin before use):");
            out.println(mbs.getAttribute(name, "SuggestedAllowedOrigins"));
        }
    }

    private void printOrigins(Map<String, Long> learned) {
        out.println("learned origins (sent credentials): " + (learned.isEmpty() ? "none" : learned.size()));
        for (Map.Entry<String, Long> e : learned.entrySet()) {
            out.println("  " + e.getKey() + " " + e.getValue());
        }
    }

    /** The jar this CLI runs from: the agent class loader's code source (see AgentClassLoader). */
    private static String agentJar() throws Jvms.TargetException {
        try {
            return new File(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getAbsolutePath();
        } catch (Exception e) {
            throw new Jvms.TargetException("cannot locate the agent jar: " + e);
        }
    }
}
