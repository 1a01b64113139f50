package io.corsguard.engine;

import io.corsguard.config.TestFault;

/**
 * The test-only fault switch ({@code test.fault}): makes the judge fail on purpose so tests can
 * show that a failing agent leaves the response as written ({@code on-error=pass}) or strips its
 * credentials ({@code on-error=strip}), and that the failure is counted.
 */
final class Faults {
    private Faults() {
    }

    static void inject(TestFault fault) {
        if (fault == TestFault.NONE) {
            return;
        }
        if (fault == TestFault.THROW) {
            throw new IllegalStateException("corsguard test fault: throw");
        }
        if (fault == TestFault.OOM) {
            throw new OutOfMemoryError("corsguard test fault: oom");
        }
        if (fault == TestFault.SLOW) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
