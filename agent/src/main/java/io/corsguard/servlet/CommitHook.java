package io.corsguard.servlet;

import io.corsguard.install.NamedTypesInstrumentation;
import io.corsguard.install.Weaving;

/**
 * What the container commit hooks (Tomcat, Jetty 9.4/10, Jetty 12, Undertow) share: advice on
 * named classes, and a mark on the bridge once such a class is really woven: the generic servlet
 * layer stands back on a container's responses only then, so a hook that failed to weave leaves
 * it judging. A hook class that is not woven also releases the generic layer's classes held back
 * for its container ({@link CommitHookCoverage}).
 */
abstract class CommitHook extends NamedTypesInstrumentation {
    private final Runnable woven;
    private final CommitHookCoverage coverage;

    CommitHook(Runnable woven, CommitHookCoverage coverage, String... classNames) {
        super(classNames);
        this.woven = woven;
        this.coverage = coverage;
    }

    @Override
    public final void weave(Weaving weaving) {
        if (coverage.hookWeavingFails()) {
            throw new IllegalStateException("corsguard test fault: weave-hook");
        }
        weaveHook(weaving);
    }

    /** Adds the hook's advice to one of its classes. */
    abstract void weaveHook(Weaving weaving);

    @Override
    public void woven(String className) {
        woven.run();
    }

    @Override
    public void notWoven(String className) {
        coverage.hookNotWoven(className);
    }
}
