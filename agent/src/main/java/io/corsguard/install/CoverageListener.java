package io.corsguard.install;

import io.corsguard.engine.Engine;
import io.corsguard.servlet.CommitHookCoverage;

/** Reports what the generic servlet layer holds back, and when it is woven after all. */
final class CoverageListener implements CommitHookCoverage.Listener {
    /** The engine, not its reporter: a reload may replace the reporter (new log settings). */
    private final Engine engine;

    CoverageListener(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void heldBack(String className, String hook, boolean response) {
        engine.reporter().debug("held back " + className + (response
            ? ": the " + hook + " judges its container's responses"
            : ": every container its class loader sees has its responses judged by a commit hook (" + hook
                + "), and no container without one is loaded"));
    }

    @Override
    public void released(String reason, int classes) {
        engine.reporter().info("generic servlet layer woven into " + classes + " class" + (classes == 1 ? "" : "es")
            + " held back: " + reason);
    }
}
