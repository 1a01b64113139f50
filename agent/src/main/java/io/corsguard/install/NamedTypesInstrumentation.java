package io.corsguard.install;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A family that weaves classes known by their exact names: one hash lookup per class loaded. */
public abstract class NamedTypesInstrumentation implements ServerInstrumentation {
    private final Set<String> names;
    private final Set<String> internalNames = new HashSet<>();
    private String preWeaveTrigger;
    private List<String> preWeaveClasses = Collections.emptyList();

    /** @param classNames binary names ({@code a.b.C$D}) */
    protected NamedTypesInstrumentation(String... classNames) {
        names = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(classNames)));
        for (String name : classNames) {
            internalNames.add(name.replace('.', '/'));
        }
    }

    @Override
    public boolean matches(ClassLoader loader, String internalName, byte[] classFile) {
        return internalNames.contains(internalName);
    }

    @Override
    public boolean matches(Class<?> type) {
        return names.contains(type.getName());
    }

    /**
     * Declares which classes to weave ahead at start-up ({@link PreWeaving}): once a class loader
     * defines a class whose internal name starts with {@code trigger}, that loader has this family's
     * server, and {@code classNames} (binary names: what every server of the family loads at its
     * first request) are woven on a background thread. Called from a family's constructor.
     */
    protected final void preWeave(String trigger, String... classNames) {
        preWeaveTrigger = trigger;
        preWeaveClasses = Collections.unmodifiableList(Arrays.asList(classNames.clone()));
    }

    /** The internal-name prefix that announces this family's server in a class loader; null: nothing is woven ahead. */
    public final String preWeaveTrigger() {
        return preWeaveTrigger;
    }

    /** The classes (binary names) woven ahead once {@link #preWeaveTrigger()} fires. */
    public final List<String> preWeaveClasses() {
        return preWeaveClasses;
    }

    @Override
    public void woven(String className) {
        // nothing to tell by default
    }

    @Override
    public void notWoven(String className) {
        // nothing to tell by default
    }
}
