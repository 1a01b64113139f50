package io.corsguard.install;

import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.asm.Advice;

/**
 * The weaving pipeline's warm-up ({@link Weaver#warmUp()}): a family that weaves {@link Advice}
 * of the same shape as the header advice (enter with skip, exit, suppressed throwables) into
 * {@link Target}. Neither class is ever loaded by the JVM as a woven class: only their class files
 * are read, and the result is thrown away.
 */
final class WarmUp extends NamedTypesInstrumentation {

    WarmUp() {
        super(Target.class.getName());
    }

    @Override
    public String name() {
        return "warm-up";
    }

    @Override
    public void weave(Weaving weaving) {
        weaving.advice(isMethod().and(named("setHeader")).and(takesArguments(2)), HeaderAdvice.class.getName());
    }

    /** Stands in for a server class. */
    static final class Target {
        private final StringBuilder headers = new StringBuilder();
        private boolean committed;

        void setHeader(String name, String value) {
            if (committed) {
                return;
            }
            for (int i = 0; i < name.length(); i++) {
                if (name.charAt(i) == '\n') {
                    throw new IllegalArgumentException(name);
                }
            }
            headers.append(name).append(": ").append(value).append("\r\n");
        }

        void commit() {
            committed = true;
        }
    }

    /** Stands in for an advice class. */
    static final class HeaderAdvice {
        private HeaderAdvice() {
        }

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
        static boolean enter(@Advice.This Object self, @Advice.Argument(0) String name, @Advice.Argument(1) String value,
                             @Advice.Origin("#m") String method) {
            return value == null && name.length() > method.length() && self != null;
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) String name, @Advice.Argument(1) String value) {
            if (value == null && name.isEmpty()) {
                throw new IllegalStateException();
            }
        }
    }
}
