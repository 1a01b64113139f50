package io.corsguard.install;

import net.bytebuddy.asm.Advice;

/**
 * Advice of the shape the header advices have (enter that may skip the method, exit, suppressed
 * throwables), for the transformer's tests: read as a class file by the weaver, never loaded woven.
 */
final class HeaderAdvice {
    private HeaderAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.This Object self, @Advice.Argument(0) String name, @Advice.Argument(1) String value,
                         @Advice.Origin("#m") String method) {
        return value == null && name.length() > method.length() && self != null;
    }

    /** Throws for an empty name and a null value: the woven method must still return normally. */
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) String name, @Advice.Argument(1) String value) {
        if (value == null && name.isEmpty()) {
            throw new IllegalStateException();
        }
    }
}
