package io.corsguard.install;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * One class being woven, as the families see it: its name and loader, and {@link #advice} to
 * inline an advice class into the methods a matcher selects. What Byte Buddy's
 * {@code AgentBuilder.Transformer.ForAdvice} did: the advice resolved from the agent's class
 * files, the default assigner, and exceptions the advice suppresses dropped silently.
 */
public final class Weaving {
    private final String internalName;
    private final ClassLoader loader;
    private final byte[] classFile;
    private final TypePool pool;
    private final ClassFileLocator locator;
    private final TypeDescription type;
    private DynamicType.Builder<?> builder;
    private boolean changed;

    Weaving(String internalName, ClassLoader loader, byte[] classFile, TypePool pool, ClassFileLocator locator,
            TypeDescription type, DynamicType.Builder<?> builder) {
        this.type = type;
        this.internalName = internalName;
        this.loader = loader;
        this.classFile = classFile;
        this.pool = pool;
        this.locator = locator;
        this.builder = builder;
    }

    /** The class's name in internal form ({@code a/b/C}). */
    public String internalName() {
        return internalName;
    }

    /** Its class loader, null for the bootstrap loader. */
    public ClassLoader loader() {
        return loader;
    }

    /** Its class file as given to the transformer (not to be modified). */
    public byte[] classFile() {
        return classFile;
    }

    /**
     * Inlines {@code adviceClass} (a class of the agent jar) into the methods {@code methods}
     * selects; nothing when the class declares none of them.
     */
    public Weaving advice(ElementMatcher<? super MethodDescription> methods, String adviceClass) {
        if (type.getDeclaredMethods().filter(methods).isEmpty()) {
            return this;
        }
        changed = true;
        Advice advice = Advice.withCustomMapping().to(pool.describe(adviceClass).resolve(), locator)
            .withAssigner(Assigner.DEFAULT)
            .withExceptionHandler(Advice.ExceptionHandler.Default.SUPPRESSING);
        builder = builder.visit(new AsmVisitorWrapper.ForDeclaredMethods().invokable(methods, advice));
        return this;
    }

    /** Whether any advice applies: if not, the class is left as it was (not rewritten, not reported woven). */
    boolean changed() {
        return changed;
    }

    DynamicType.Builder<?> builder() {
        return builder;
    }
}
