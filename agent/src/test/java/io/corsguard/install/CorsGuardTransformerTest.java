package io.corsguard.install;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
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
        return target(200);
    }

    /** The same, getStatus() returning {@code status}: another class file of the same class. */
    private static byte[] target(int status) {
        return new ByteBuddy().subclass(Object.class).name("test.Target")
            .defineMethod("setHeader", void.class, Visibility.PUBLIC).withParameters(String.class, String.class)
            .intercept(StubMethod.INSTANCE)
            .defineMethod("getStatus", int.class, Visibility.PUBLIC).intercept(FixedValue.value(status))
            .make().getBytes();
    }

    /** A server's class loader: has test/Target.class as a resource, as a jar would, and counts its reads. */
    private static final class ServerLoader extends ClassLoader {
        final byte[] targetFile;
        final AtomicInteger reads = new AtomicInteger();

        ServerLoader(byte[] targetFile) {
            super(AGENT);
            this.targetFile = targetFile;
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            if (name.equals("test/Target.class")) {
                reads.incrementAndGet();
                return new ByteArrayInputStream(targetFile);
            }
            return super.getResourceAsStream(name);
        }
    }

    /** The transformer at start-up, with test.Target woven ahead once a test/server/ class loads. */
    private CorsGuardTransformer preWeaving(ServerInstrumentation family) {
        CorsGuardTransformer t = transformer(family);
        t.preWeave();
        return t;
    }

    /** A family for test.Target that weaves the warm-up advice into the methods named {@code method}. */
    private static class Family extends NamedTypesInstrumentation {
        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger weaves = new AtomicInteger();
        final List<String> told = new ArrayList<>();
        final List<String> notWoven = new ArrayList<>();
        final String method;

        Family(String method) {
            this(method, true);
        }

        /** @param ahead as Tomcat's hook: a test/server/ class being defined announces test.Target, woven ahead */
        Family(String method, boolean ahead) {
            super("test.Target");
            this.method = method;
            if (ahead) {
                preWeave("test/server/", "test.Target");
            }
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
            weaves.incrementAndGet();
            weaving.advice(named(method), HeaderAdvice.class.getName());
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
    void aClassWovenAheadIsTakenWhenTheJvmLoadsIt() throws Exception {
        Family family = new Family("setHeader");
        ServerLoader loader = new ServerLoader(target());
        CorsGuardTransformer t = preWeaving(family);
        assertNull(t.transform(loader, "test/server/Connector", null, null, target()), "the trigger itself is not matched");
        assertTrue(t.awaitPreWeaving(30_000));
        assertEquals(1, loader.reads.get(), "test.Target read ahead through its loader");
        assertEquals(1, family.weaves.get(), "and woven ahead");
        assertTrue(woven.isEmpty() && family.told.isEmpty(), "nobody is told before the class loads");

        byte[] out = t.transform(loader, "test/Target", null, null, target());
        assertNotNull(out);
        assertEquals(1, family.weaves.get(), "taken, not woven again");
        assertEquals(Collections.singletonList("test.Target"), woven, "told on the class's own load, as always");
        assertEquals(Collections.singletonList("test.Target"), family.told);
        assertTrue(failed.isEmpty(), failed.toString());
        assertArrayEquals(new Weaver(AGENT).weave(loader, "test/Target", target(), new ServerInstrumentation[] {family}), out,
            "the same class file as weaving it on load gives");
        Class<?> type = new ByteArrayClassLoader(AGENT, Collections.singletonMap("test.Target", out)).loadClass("test.Target");
        type.getMethod("setHeader", String.class, String.class).invoke(type.getConstructor().newInstance(), "", null);

        // a class loads once per loader: a second load (another copy of the loader's class) weaves afresh
        assertNotNull(t.transform(loader, "test/Target", null, null, target()));
        assertEquals(3, family.weaves.get());
    }

    @Test
    void anotherClassFileThanTheOneReadAheadIsWovenAfresh() throws Exception {
        Family family = new Family("setHeader");
        ServerLoader loader = new ServerLoader(target(200));
        CorsGuardTransformer t = preWeaving(family);
        t.transform(loader, "test/server/Connector", null, null, target());
        assertTrue(t.awaitPreWeaving(30_000));
        // what the JVM hands over differs (another agent changed it, say): the pre-woven file is not used
        byte[] out = t.transform(loader, "test/Target", null, null, target(404));
        assertEquals(2, family.weaves.get());
        assertArrayEquals(new Weaver(AGENT).weave(loader, "test/Target", target(404), new ServerInstrumentation[] {family}), out);
        Class<?> type = new ByteArrayClassLoader(AGENT, Collections.singletonMap("test.Target", out)).loadClass("test.Target");
        assertEquals(404, type.getMethod("getStatus").invoke(type.getConstructor().newInstance()));
    }

    @Test
    void classesMatchedByOtherFamiliesTooAreWovenAfresh() throws Exception {
        Family family = new Family("setHeader");
        Family other = new Family("setHeader", false);
        ServerLoader loader = new ServerLoader(target());
        CorsGuardTransformer t = new CorsGuardTransformer(Arrays.<ServerInstrumentation>asList(family, other), AGENT, listener);
        t.preWeave();
        t.transform(loader, "test/server/Connector", null, null, target());
        assertTrue(t.awaitPreWeaving(30_000));
        assertEquals(1, family.weaves.get());
        assertNotNull(t.transform(loader, "test/Target", null, null, target()), failed.toString());
        assertEquals(2, family.weaves.get(), "woven ahead for one family, matched by two: both weave it now");
        assertEquals(1, other.weaves.get());
    }

    @Test
    void aFailureAheadIsReportedOnceWhenTheClassLoads() throws Exception {
        Family broken = new Family("setHeader") {
            @Override
            public void weave(Weaving weaving) {
                weaves.incrementAndGet();
                throw new IllegalStateException("broken family");
            }
        };
        ServerLoader loader = new ServerLoader(target());
        CorsGuardTransformer t = preWeaving(broken);
        t.transform(loader, "test/server/Connector", null, null, target());
        assertTrue(t.awaitPreWeaving(30_000));
        assertEquals(1, broken.weaves.get());
        assertTrue(failed.isEmpty(), "nothing reported ahead: " + failed);
        assertNull(t.transform(loader, "test/Target", null, null, target()), "loads as it was");
        assertEquals(Collections.singletonList("test.Target: broken family"), failed);
        assertEquals(Collections.singletonList("test.Target"), broken.notWoven);
    }

    @Test
    void nothingIsWovenAheadWithoutATriggerOnItsOwnLoad() throws Exception {
        Family family = new Family("setHeader");
        ServerLoader loader = new ServerLoader(target());
        CorsGuardTransformer t = preWeaving(family);
        t.transform(loader, "test/client/Connector", null, null, target());
        t.transform(loader, "test/server/Connector", Object.class, null, target());
        assertNull(t.transform(null, "test/server/Connector", null, null, target()), "the bootstrap loader");
        assertTrue(t.awaitPreWeaving(30_000));
        assertEquals(0, loader.reads.get(), "another package, a retransformation, the bootstrap loader: no trigger");
        assertEquals(0, family.weaves.get());

        CorsGuardTransformer attached = transformer(family);
        attached.transform(loader, "test/server/Connector", null, null, target());
        assertTrue(attached.awaitPreWeaving(30_000));
        assertEquals(0, loader.reads.get(), "nor at attach");

        t.transform(loader, "test/server/Connector", null, null, target());
        t.transform(loader, "test/server/Endpoint", null, null, target());
        assertTrue(t.awaitPreWeaving(30_000));
        assertEquals(1, loader.reads.get(), "one trigger per loader: read once");
        assertFalse(family.weaves.get() > 1);
    }
}
