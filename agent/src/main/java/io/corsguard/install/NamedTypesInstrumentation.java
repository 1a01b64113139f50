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
     * Where the class loader that defines a class whose internal name starts with this has this
     * family's server: {@link #preWeaveClasses()} are then woven ahead on a background thread at
     * start-up ({@link PreWeaving}). Null (the default): nothing is woven ahead.
     */
    public String preWeaveTrigger() {
        return null;
    }

    /** The classes (binary names) every server of this family loads at its first request; woven ahead. */
    public List<String> preWeaveClasses() {
        return Collections.emptyList();
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
