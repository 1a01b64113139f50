package io.corsguard.install;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import java.util.ArrayList;
import java.util.List;

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
    /** One per {@link #advice} call that applies, in call order (the last one sees each method first). */
    private final List<AsmVisitorWrapper> wrappers = new ArrayList<>(2);

    Weaving(String internalName, ClassLoader loader, byte[] classFile, TypePool pool, ClassFileLocator locator,
            TypeDescription type) {
        this.type = type;
        this.internalName = internalName;
        this.loader = loader;
        this.classFile = classFile;
        this.pool = pool;
        this.locator = locator;
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
        Advice advice = Advice.withCustomMapping().to(pool.describe(adviceClass).resolve(), locator)
            .withAssigner(Assigner.DEFAULT)
            .withExceptionHandler(Advice.ExceptionHandler.Default.SUPPRESSING);
        wrappers.add(new AsmVisitorWrapper.ForDeclaredMethods().invokable(methods, advice));
        return this;
    }

    /** Whether any advice applies: if not, the class is left as it was (not rewritten, not reported woven). */
    boolean changed() {
        return !wrappers.isEmpty();
    }

    TypeDescription type() {
        return type;
    }

    TypePool pool() {
        return pool;
    }

    ClassFileLocator locator() {
        return locator;
    }

    /** What {@link #advice} asked for, as one wrapper of the class's visitor. */
    AsmVisitorWrapper wrapper() {
        return wrappers.size() == 1 ? wrappers.get(0) : new AsmVisitorWrapper.Compound(wrappers);
    }
}
