package io.corsguard.engine;

/**
 * The test-only fault switch ({@code test.fault}): makes the judge fail on purpose so tests can
 * show that a failing agent leaves the response as written ({@code on-error=pass}) or strips its
 * credentials ({@code on-error=strip}), and that the failure is counted.
 */
final class Faults {
    private Faults() {
    }

    static void inject(String fault) {
        if (fault == null || "none".equals(fault)) {
            return;
        }
        if ("throw".equals(fault)) {
            throw new IllegalStateException("corsguard test fault: throw");
        }
        if ("oom".equals(fault)) {
            throw new OutOfMemoryError("corsguard test fault: oom");
        }
        if ("slow".equals(fault)) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
