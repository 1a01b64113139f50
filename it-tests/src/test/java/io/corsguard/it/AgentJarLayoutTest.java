package io.corsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The built agent jar: one jar, everything under io/corsguard/, shaded libraries relocated, Java 8 bytecode. */
class AgentJarLayoutTest {

    @Test
    void everyEntryLiesUnderTheProjectPackage() throws IOException {
        List<String> outside = new ArrayList<>();
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                boolean meta = name.equals("META-INF/") || name.equals("META-INF/MANIFEST.MF");
                boolean dirOnTheWay = name.equals("io/") || name.equals("io/corsguard/");
                if (!meta && !dirOnTheWay && !name.startsWith("io/corsguard/")) {
                    outside.add(name);
                }
            }
        }
        assertEquals(List.of(), outside, "entries outside io/corsguard/ (un-relocated or leaked resources)");
    }

    @Test
    void shadedLibrariesAreRelocatedAndHidden() throws IOException {
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            assertTrue(jar.getEntry("io/corsguard/inst/io/corsguard/shaded/bytebuddy/ByteBuddy.classdata") != null, "byte-buddy relocated");
            assertTrue(jar.getEntry("io/corsguard/inst/io/corsguard/shaded/slf4j/Logger.classdata") != null, "slf4j relocated");
            assertTrue(jar.getEntry("io/corsguard/inst/io/corsguard/shaded/logback/classic/LoggerContext.classdata") != null, "logback relocated");
            List<String> plainClasses = new ArrayList<>();
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith(".class")) {
                    plainClasses.add(name);
                }
            }
            // only the launcher and the bootstrap bridge are loadable by other class loaders
            for (String name : plainClasses) {
                assertTrue(name.startsWith("io/corsguard/launcher/") || name.startsWith("io/corsguard/bootstrap/"),
                    "visible class outside launcher/bootstrap: " + name);
            }
            assertTrue(plainClasses.contains("io/corsguard/bootstrap/CorsGuardBridge.class"));
            assertTrue(plainClasses.contains("io/corsguard/launcher/AgentLauncher.class"));
        }
    }

    @Test
    void manifestNamesTheAgentEntryPoints() throws IOException {
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            Attributes a = jar.getManifest().getMainAttributes();
            assertEquals("io.corsguard.launcher.AgentLauncher", a.getValue("Premain-Class"));
            assertEquals("io.corsguard.launcher.AgentLauncher", a.getValue("Agent-Class"));
            assertEquals("io.corsguard.launcher.AgentLauncher", a.getValue("Main-Class"));
            assertEquals("true", a.getValue("Can-Retransform-Classes"));
        }
    }

    @Test
    void everyClassTargetsJava8() throws IOException {
        List<String> tooNew = new ArrayList<>();
        int checked = 0;
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (entry.getName().endsWith(".class") || entry.getName().endsWith(".classdata")) {
                    try (InputStream in = jar.getInputStream(entry); DataInputStream data = new DataInputStream(in)) {
                        assertEquals(0xCAFEBABE, data.readInt(), entry.getName());
                        data.readUnsignedShort();
                        int major = data.readUnsignedShort();
                        if (major > 52) {
                            tooNew.add(entry.getName() + " (major " + major + ")");
                        }
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 1000, "expected the whole agent with its shaded libraries, saw " + checked + " classes");
        assertEquals(List.of(), tooNew, "classes a Java 8 JVM cannot load");
    }
}
