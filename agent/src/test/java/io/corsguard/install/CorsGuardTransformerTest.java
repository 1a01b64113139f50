package io.corsguard.install;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ByteArrayClassLoader;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.implementation.StubMethod;
import org.junit.jupiter.api.Test;

/**
 * The transformer's contract with the JVM, called as the JVM calls it: what is dismissed before
 * any family is asked, what is woven, what is left as it was, and that a failure never escapes.
 */
class CorsGuardTransformerTest {
    private static final ClassLoader AGENT = CorsGuardTransformerTest.class.getClassLoader();
    private final List<String> woven = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private final CorsGuardTransformer.Listener listener = new CorsGuardTransformer.Listener() {
        @Override
        public void woven(String className) {
            woven.add(className);
        }

        @Override
        public void failed(String className, Throwable error) {
            failed.add(className + ": " + error.getMessage());
        }
    };

    /** test.Target with setHeader(String, String) and getStatus(). */
    private static byte[] target() {
        return new ByteBuddy().subclass(Object.class).name("test.Target")
            .defineMethod("setHeader", void.class, Visibility.PUBLIC).withParameters(String.class, String.class)
            .intercept(StubMethod.INSTANCE)
            .defineMethod("getStatus", int.class, Visibility.PUBLIC).intercept(FixedValue.value(200))
            .make().getBytes();
    }

    /** A family for test.Target that weaves the warm-up advice into the methods named {@code method}. */
    private static class Family extends NamedTypesInstrumentation {
        final AtomicInteger asked = new AtomicInteger();
        final List<String> told = new ArrayList<>();
        final List<String> notWoven = new ArrayList<>();
        final String method;

        Family(String method) {
            super("test.Target");
            this.method = method;
        }

        @Override
        public String name() {
            return "test";
        }

        @Override
        public boolean matches(ClassLoader loader, String internalName, byte[] classFile) {
            asked.incrementAndGet();
            return super.matches(loader, internalName, classFile);
        }

        @Override
        public void weave(Weaving weaving) {
            weaving.advice(named(method), WarmUp.HeaderAdvice.class.getName());
        }

        @Override
        public void woven(String className) {
            told.add(className);
        }

        @Override
        public void notWoven(String className) {
            notWoven.add(className);
        }
    }

    private CorsGuardTransformer transformer(ServerInstrumentation family) {
        return new CorsGuardTransformer(Collections.singletonList(family), AGENT, listener);
    }

    @Test
    void aMatchedClassIsWovenAndItsAdviceRuns() throws Exception {
        Family family = new Family("setHeader");
        byte[] out = transformer(family).transform(AGENT, "test/Target", null, null, target());
        assertNotNull(out, "woven");
        assertEquals(Collections.singletonList("test.Target"), woven);
        assertEquals(Collections.singletonList("test.Target"), family.told);
        assertTrue(family.notWoven.isEmpty());
        assertTrue(failed.isEmpty(), failed.toString());
        // the woven class loads and runs: the advice's exit throws for an empty name and a null
        // value, and that throwable is suppressed, so the call returns normally
        Class<?> type = new ByteArrayClassLoader(AGENT, Collections.singletonMap("test.Target", out)).loadClass("test.Target");
        Object instance = type.getConstructor().newInstance();
        type.getMethod("setHeader", String.class, String.class).invoke(instance, "", null);
        type.getMethod("setHeader", String.class, String.class).invoke(instance, "Vary", "Origin");
    }

    @Test
    void aMatchedClassWithNoAdvisedMethodIsLeftAsItWas() {
        Family family = new Family("noSuchMethod");
        assertNull(transformer(family).transform(AGENT, "test/Target", null, null, target()));
        assertTrue(woven.isEmpty(), "not reported woven");
        assertTrue(family.told.isEmpty(), "a commit hook that advised nothing must not mark itself woven");
        assertEquals(Collections.singletonList("test.Target"), family.notWoven,
            "and is told, so that the generic layer's classes held back for it are woven");
        assertTrue(failed.isEmpty(), failed.toString());
    }

    @Test
    void ignoredNamesNeverReachTheFamilies() {
        Family family = new Family("setHeader");
        CorsGuardTransformer t = transformer(family);
        for (String name : new String[] {"java/lang/Thing", "jdk/internal/X", "sun/misc/Y", "javax/management/Z",
            "io/corsguard/shaded/bytebuddy/ByteBuddy", "io/corsguard/policy/Policy", "io/corsguard/install/Weaver"}) {
            assertNull(t.transform(AGENT, name, null, null, target()), name);
        }
        assertNull(t.transform(AGENT, null, null, null, target()), "hidden classes have no name");
        assertEquals(0, family.asked.get());
        assertNull(t.transform(AGENT, "test/Other", null, null, target()), "asked, not matched");
        assertEquals(1, family.asked.get());
    }

    @Test
    void aFailureIsReportedAndTheClassLoadsAsItWas() {
        Family broken = new Family("setHeader") {
            @Override
            public void weave(Weaving weaving) {
                throw new IllegalStateException("broken family");
            }
        };
        assertNull(transformer(broken).transform(AGENT, "test/Target", null, null, target()));
        assertEquals(Collections.singletonList("test.Target: broken family"), failed);
        assertEquals(Collections.singletonList("test.Target"), broken.notWoven, "the family is told it was not woven");
        assertTrue(woven.isEmpty());
        failed.clear();
        // bytes that are no class file: the JVM never sends them, but nothing may escape
        assertNull(transformer(new Family("setHeader")).transform(AGENT, "test/Target", null, null, new byte[] {1, 2, 3}));
        assertEquals(1, failed.size(), failed.toString());
    }

    @Test
    void aClassLoadedWhileAnotherIsMatchedIsLeftAlone() {
        final CorsGuardTransformer[] self = new CorsGuardTransformer[1];
        final List<byte[]> nested = new ArrayList<>();
        Family family = new Family("setHeader") {
            @Override
            public boolean matches(ClassLoader loader, String internalName, byte[] classFile) {
                if (internalName.equals("test/Target")) {
                    // as a class loader would when it loads a class to read a super type's file
                    nested.add(self[0].transform(loader, "test/Target", null, null, classFile));
                }
                return super.matches(loader, internalName, classFile);
            }
        };
        self[0] = transformer(family);
        assertNotNull(self[0].transform(AGENT, "test/Target", null, null, target()), "the outer class is woven");
        assertEquals(1, nested.size());
        assertNull(nested.get(0), "the nested one is left alone, not matched again");
        assertEquals(Collections.singletonList("test.Target"), woven);
        // and the thread is free again afterwards
        assertNotNull(self[0].transform(AGENT, "test/Target", null, null, target()));
    }

    @Test
    void theWarmUpWeavesItsOwnTarget() throws Exception {
        byte[] original = new Weaver(AGENT).getClass().getClassLoader()
            .getResourceAsStream("io/corsguard/install/WarmUp$Target.class").readAllBytes();
        byte[] woven = new Weaver(AGENT).warmUp();
        assertNotNull(woven, "the warm-up advises setHeader");
        assertTrue(woven.length > original.length, "advice inlined: " + original.length + " -> " + woven.length);
    }
}
