package io.corsguard.install;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * The Byte Buddy half of the transformer: rewrites one matched class file. Kept apart from
 * {@link CorsGuardTransformer} so that no Byte Buddy class is loaded, let alone initialised,
 * until the application loads a class the agent really weaves.
 *
 * <p>As the agent builder did with {@code disableClassFormatChanges()} and the {@code DECORATE}
 * type strategy: the class keeps its members and shape (retransformation and detach work on it),
 * only method bodies get the advice inlined. Types are described from class files (the bytes being
 * transformed, then the class's loader, then the agent's advice classes), never by loading classes.
 */
final class Weaver {
    /**
     * No class format changes (no added members, so retransformation and detach work), and no
     * validation of the rewritten class: decorating only inlines advice into existing methods.
     */
    private final ByteBuddy byteBuddy = new ByteBuddy().with(TypeValidation.DISABLED).with(Implementation.Context.Disabled.Factory.INSTANCE);
    private final ClassFileLocator adviceLocator;

    Weaver(ClassLoader adviceLoader) {
        this.adviceLocator = ClassFileLocator.ForClassLoader.of(adviceLoader);
    }

    /** @return the woven class file, or null when no advice applies to the class (it stays as it was) */
    byte[] weave(ClassLoader loader, String internalName, byte[] classFile, ServerInstrumentation[] families) {
        String name = internalName.replace('/', '.');
        ClassFileLocator locator = new ClassFileLocator.Compound(
            ClassFileLocator.Simple.of(name, classFile),
            loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader),
            adviceLocator);
        TypePool pool = TypePool.Default.of(locator);
        TypeDescription type = pool.describe(name).resolve();
        Weaving weaving = new Weaving(internalName, loader, classFile, pool, locator, type, byteBuddy.decorate(type, locator));
        for (ServerInstrumentation family : families) {
            family.weave(weaving);
        }
        return weaving.changed() ? weaving.builder().make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes() : null;
    }
}
