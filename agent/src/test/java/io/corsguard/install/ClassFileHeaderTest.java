package io.corsguard.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The transformer's class file header reader against reflection, on every class of real jars
 * (Tomcat, Netty, Byte Buddy: constant pools with every tag, long/double slots, invokedynamic,
 * modified UTF-8) and on JDK classes read from the runtime image.
 */
class ClassFileHeaderTest {
    private static final ClassLoader LOADER = ClassFileHeaderTest.class.getClassLoader();

    private static byte[] read(InputStream in) throws IOException {
        try (InputStream input = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            for (int n; (n = input.read(b)) > 0; ) {
                out.write(b, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static void assertSameAsReflection(Class<?> type, byte[] classFile) {
        ClassFileHeader h = ClassFileHeader.parse(classFile);
        String name = type.getName();
        assertEquals(type.isInterface(), h.isInterface(), name);
        assertEquals(type.isSynthetic(), h.isSynthetic(), name);
        // the class file names Object as an interface's super class; reflection says null
        String superName = type.isInterface() ? "java/lang/Object"
            : type.getSuperclass() == null ? null : type.getSuperclass().getName().replace('.', '/');
        assertEquals(superName, h.superName(), name);
        List<String> interfaces = new ArrayList<>();
        for (Class<?> i : type.getInterfaces()) {
            interfaces.add(i.getName().replace('.', '/'));
        }
        assertEquals(interfaces, Arrays.asList(h.interfaces()), name);
        Method[] declared;
        try {
            declared = type.getDeclaredMethods();
        } catch (Throwable signatureNamesAMissingClass) {
            return;
        }
        for (String method : METHOD_NAMES) {
            boolean concrete = false;
            for (Method m : declared) {
                concrete |= m.getName().equals(method) && !Modifier.isAbstract(m.getModifiers());
            }
            assertEquals(concrete, h.declaresConcreteMethod(new String[] {"x", method}), name + "." + method);
        }
    }

    /** Names looked for among each class's declared methods: common ones, some with abstract twins. */
    private static final String[] METHOD_NAMES = {"service", "doFilter", "setHeader", "reset", "complete", "toString",
        "run", "close", "get", "apply", "write", "hashCode"};

    @Test
    void everyClassOfRealJarsReadsAsReflectionSeesIt() throws Exception {
        int checked = 0;
        for (String probe : new String[] {"org/apache/catalina/connector/Response.class",
            "io/netty/handler/codec/http/HttpObjectEncoder.class", "net/bytebuddy/ByteBuddy.class"}) {
            URL url = LOADER.getResource(probe);
            JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile();
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String entry = e.nextElement().getName();
                if (!entry.endsWith(".class") || entry.contains("-") || entry.startsWith("META-INF/")) {
                    continue;
                }
                Class<?> type;
                try {
                    type = Class.forName(entry.substring(0, entry.length() - 6).replace('/', '.'), false, LOADER);
                } catch (Throwable optionalDependencyMissing) {
                    continue;
                }
                assertSameAsReflection(type, read(jar.getInputStream(jar.getEntry(entry))));
                checked++;
            }
        }
        assertTrue(checked > 3000, "classes checked: " + checked);
    }

    @Test
    void jdkClassesFromTheRuntimeImage() throws Exception {
        for (Class<?> type : new Class<?>[] {Object.class, String.class, Double.class, Long.class, Runnable.class,
            java.util.concurrent.ConcurrentHashMap.class, java.lang.invoke.MethodHandles.class, Thread.State.class,
            java.util.Map.Entry.class, Modifier.class}) {
            byte[] classFile = read(Object.class.getResourceAsStream("/" + type.getName().replace('.', '/') + ".class"));
            assertSameAsReflection(type, classFile);
        }
        ClassFileHeader object = ClassFileHeader.parse(read(Object.class.getResourceAsStream("/java/lang/Object.class")));
        assertEquals(null, object.superName(), "Object has no super class");
    }

    @Test
    void syntheticAndInterfaceFlagsAreRead() {
        byte[] plain = new net.bytebuddy.ByteBuddy().subclass(Object.class).name("test.Plain").make().getBytes();
        byte[] synthetic = new net.bytebuddy.ByteBuddy().subclass(Object.class).name("test.Synthetic")
            .modifiers(net.bytebuddy.description.modifier.Visibility.PUBLIC, net.bytebuddy.description.modifier.SyntheticState.SYNTHETIC)
            .make().getBytes();
        byte[] iface = new net.bytebuddy.ByteBuddy().makeInterface(Runnable.class).name("test.Iface").make().getBytes();
        assertEquals(false, ClassFileHeader.parse(plain).isSynthetic());
        assertEquals(true, ClassFileHeader.parse(synthetic).isSynthetic());
        assertEquals(true, ClassFileHeader.parse(iface).isInterface());
        assertEquals(Arrays.asList("java/lang/Runnable"), Arrays.asList(ClassFileHeader.parse(iface).interfaces()));
    }

    @Test
    void methodsWithABodyAreFoundByName() {
        byte[] file = new net.bytebuddy.ByteBuddy().subclass(Object.class).name("test.Methods")
            .defineMethod("service", void.class, net.bytebuddy.description.modifier.Visibility.PUBLIC)
            .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE)
            .make().getBytes();
        byte[] abstractOnly = new net.bytebuddy.ByteBuddy().subclass(Object.class).name("test.AbstractOnly")
            .modifiers(net.bytebuddy.description.modifier.Visibility.PUBLIC, net.bytebuddy.description.modifier.TypeManifestation.ABSTRACT)
            .defineMethod("service", void.class, net.bytebuddy.description.modifier.Visibility.PUBLIC,
                net.bytebuddy.description.modifier.MethodManifestation.ABSTRACT)
            .withoutCode()
            .make().getBytes();
        assertTrue(ClassFileHeader.parse(file).declaresConcreteMethod(new String[] {"doFilter", "service"}));
        assertEquals(false, ClassFileHeader.parse(file).declaresConcreteMethod(new String[] {"servic", "services", "Service"}),
            "names compared whole and exactly");
        assertEquals(false, ClassFileHeader.parse(abstractOnly).declaresConcreteMethod(new String[] {"service"}),
            "an abstract method has no body to weave");
    }

    @Test
    void garbageIsRejectedWithAClearError() {
        IllegalArgumentException magic = assertThrows(IllegalArgumentException.class, () -> ClassFileHeader.parse(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
        byte[] truncated = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 52, 0, 9, 1, 0};
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> ClassFileHeader.parse(truncated));
        assertTrue(t.getMessage().contains("truncated"), t.getMessage());
    }
}
