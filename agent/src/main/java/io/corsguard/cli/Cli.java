package io.corsguard.cli;

import java.io.PrintStream;

/** {@code java -jar corsguard-agent.jar <verb>}: the operator's command line (DESIGN.md §4). */
public final class Cli {
    static final int OK = 0;
    static final int USAGE = 2;

    private Cli() {
    }

    public static int run(String[] args) {
        PrintStream out = System.out;
        if (args.length == 1 && ("version".equals(args[0]) || "--version".equals(args[0]))) {
            out.println("CorsGuard 0.1.0");
            return OK;
        }
        PrintStream err = System.err;
        err.println("usage: java -jar corsguard-agent.jar <command>");
        err.println("  version                       print the agent version");
        err.println("  (list, attach, detach, status and report: see README, issue #7)");
        err.println("as an agent: -javaagent:corsguard-agent.jar=config=/path/corsguard.properties;mode=monitor");
        return USAGE;
    }
}
