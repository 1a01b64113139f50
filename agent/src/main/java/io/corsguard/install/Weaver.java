package io.corsguard.install;

import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeInitializer;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.AsmClassReader;
import net.bytebuddy.utility.AsmClassWriter;
import net.bytebuddy.utility.OpenedClassReader;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The Byte Buddy half of the transformer: rewrites one matched class file. Kept apart from
 * {@link CorsGuardTransformer} so that no Byte Buddy class is loaded, let alone initialised,
 * until the application loads a class the agent really weaves.
 *
 * <p>The class keeps its members and shape (retransformation and detach work on it); only method
 * bodies get advice inlined. Types are described from class files (the bytes being transformed,
 * then the class's loader, then the agent's advice classes), never by loading classes.
 *
 * <p>The advice's visitor runs straight between an ASM reader and writer, as Byte Buddy's
 * {@code ByteBuddy.decorate(type).visit(wrapper).make()} runs it, with what that configuration
 * used: no type validation, the disabled implementation context, stack map frames as the
 * wrapper's flags ask, the writer seeded with the reader's constant pool. The class files are the
 * same bytes ({@code WeaverTest}). What is left out is the dynamic-type machinery around it: the
 * builder, the type writer, and above all the method graph, which resolved every super class and
 * interface of each woven class from its class file to list inherited methods no advice is
 * matched against. On the demo that is 167 Byte Buddy classes fewer loaded and about a quarter
 * of a second less CPU at start-up (BENCHMARKS.md section 22).
 */
final class Weaver {
    /** Class names of the agent's own package: its advice, looked up among the agent's class files first. */
    private static final String AGENT_PACKAGE = "io.corsguard.";

    private final AgentClassFiles agentClassFiles;

    Weaver(ClassLoader adviceLoader) {
        this.agentClassFiles = new AgentClassFiles(ClassFileLocator.ForClassLoader.of(adviceLoader));
    }

    /** @return the woven class file, or null when no advice applies to the class (it stays as it was) */
    byte[] weave(ClassLoader loader, String internalName, byte[] classFile, ServerInstrumentation[] families) {
        Weaving weaving = advise(loader, internalName, classFile, families);
        return weaving == null ? null : write(weaving);
    }

    /** The class described and the families' advice chosen for it; null when none applies. */
    Weaving advise(ClassLoader loader, String internalName, byte[] classFile, ServerInstrumentation[] families) {
        String name = internalName.replace('/', '.');
        ClassFileLocator locator = new WeaveLocator(name, classFile,
            loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader),
            agentClassFiles);
        TypePool pool = TypePool.Default.of(locator);
        TypeDescription type = pool.describe(name).resolve();
        Weaving weaving = new Weaving(internalName, loader, classFile, pool, locator, type);
        for (ServerInstrumentation family : families) {
            family.weave(weaving);
        }
        return weaving.changed() ? weaving : null;
    }

    /** The class file with the advice inlined. */
    static byte[] write(Weaving weaving) {
        TypeDescription type = weaving.type();
        TypePool pool = weaving.pool();
        byte[] classFile = weaving.classFile();
        AsmVisitorWrapper wrapper = weaving.wrapper();
        int writerFlags = wrapper.mergeWriter(AsmVisitorWrapper.NO_FLAGS);
        int readerFlags = wrapper.mergeReader(AsmVisitorWrapper.NO_FLAGS);
        AsmClassReader reader = AsmClassReader.Factory.Default.IMPLICIT.make(classFile);
        AsmClassWriter writer = AsmClassWriter.Factory.Default.IMPLICIT.make(writerFlags, reader, pool);
        reader.accept(new Decorating(writer.getVisitor(), type, pool, wrapper, writerFlags, readerFlags), readerFlags);
        return writer.getBinaryRepresentation();
    }

    /**
     * Where the type pool of one weave finds class files: the class being woven as given, then
     * its loader's class files, then the agent's. Names in the agent's package (its advice) are
     * asked of the agent's class files first: asked of the server's loader they were searched
     * through its whole class path, and then read again from the agent jar, on every weave.
     */
    private static final class WeaveLocator implements ClassFileLocator {
        private final String name;
        private final byte[] classFile;
        private final ClassFileLocator server;
        private final ClassFileLocator agent;

        WeaveLocator(String name, byte[] classFile, ClassFileLocator server, ClassFileLocator agent) {
            this.name = name;
            this.classFile = classFile;
            this.server = server;
            this.agent = agent;
        }

        @Override
        public Resolution locate(String typeName) throws IOException {
            if (typeName.equals(name)) {
                return new Resolution.Explicit(classFile);
            }
            boolean agentFirst = typeName.startsWith(AGENT_PACKAGE);
            Resolution first = (agentFirst ? agent : server).locate(typeName);
            return first.isResolved() ? first : (agentFirst ? server : agent).locate(typeName);
        }

        @Override
        public void close() {
        }
    }

    /**
     * The agent's class files (its advice) as read once from its jar: they cannot change while it
     * runs, and every weave inlines them again. A name not found is not remembered.
     */
    private static final class AgentClassFiles implements ClassFileLocator {
        private final ClassFileLocator jar;
        private final ConcurrentMap<String, byte[]> read = new ConcurrentHashMap<>();

        AgentClassFiles(ClassFileLocator jar) {
            this.jar = jar;
        }

        @Override
        public Resolution locate(String typeName) throws IOException {
            byte[] classFile = read.get(typeName);
            if (classFile == null) {
                Resolution resolution = jar.locate(typeName);
                if (!resolution.isResolved()) {
                    return resolution;
                }
                classFile = resolution.resolve();
                read.putIfAbsent(typeName, classFile);
            }
            return new Resolution.Explicit(classFile);
        }

        @Override
        public void close() {
        }
    }

    /**
     * Hands the class's events to the wrapper's visitor, made when the class file's version is
     * known: the implementation context needs it to know whether and how frames are written.
     */
    private static final class Decorating extends ClassVisitor {
        private final TypeDescription type;
        private final TypePool pool;
        private final AsmVisitorWrapper wrapper;
        private final int writerFlags;
        private final int readerFlags;

        Decorating(ClassVisitor writer, TypeDescription type, TypePool pool, AsmVisitorWrapper wrapper,
                   int writerFlags, int readerFlags) {
            super(OpenedClassReader.ASM_API, writer);
            this.type = type;
            this.pool = pool;
            this.wrapper = wrapper;
            this.writerFlags = writerFlags;
            this.readerFlags = readerFlags;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            ClassFileVersion classFileVersion = ClassFileVersion.ofMinorMajor(version);
            Implementation.Context.FrameGeneration frames;
            if ((writerFlags & ClassWriter.COMPUTE_FRAMES) != 0 || !classFileVersion.isAtLeast(ClassFileVersion.JAVA_V6)) {
                frames = Implementation.Context.FrameGeneration.DISABLED;
            } else if ((readerFlags & ClassReader.EXPAND_FRAMES) != 0) {
                frames = Implementation.Context.FrameGeneration.EXPAND;
            } else {
                frames = Implementation.Context.FrameGeneration.GENERATE;
            }
            Implementation.Context context = Implementation.Context.Disabled.Factory.INSTANCE.make(type, null,
                TypeInitializer.None.INSTANCE, classFileVersion, classFileVersion, frames);
            cv = wrapper.wrap(type, cv, context, pool, type.getDeclaredFields(), adviceable(type), writerFlags, readerFlags);
            super.visit(version, access, name, signature, superName, interfaces);
        }

        /**
         * The methods an advice may be matched against, as the decorating builder listed them:
         * every declared method except synthetic virtual ones (bridges among them), which it left
         * out as ignored.
         */
        private static MethodList<MethodDescription> adviceable(TypeDescription type) {
            List<MethodDescription> methods = new ArrayList<>();
            for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
                if (!(method.isVirtual() && method.isSynthetic())) {
                    methods.add(method);
                }
            }
            return new MethodList.Explicit<>(methods);
        }
    }
}
