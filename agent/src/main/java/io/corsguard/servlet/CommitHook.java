package io.corsguard.servlet;

import io.corsguard.install.NamedTypesInstrumentation;

/**
 * What the container commit hooks (Tomcat, Jetty 9.4/10, Jetty 12, Undertow) share: advice on
 * named classes, and a mark on the bridge once such a class is really woven: the generic servlet
 * layer stands back on a container's responses only then, so a hook that failed to weave leaves
 * it judging.
 */
abstract class CommitHook extends NamedTypesInstrumentation {
    private final Runnable woven;

    CommitHook(Runnable woven, String... classNames) {
        super(classNames);
        this.woven = woven;
    }

    @Override
    public void woven(String className) {
        woven.run();
    }
}
