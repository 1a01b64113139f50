package io.corsguard.install;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Weaves the classes every server of a family needs at its first request ({@code Http11Processor},
 * Netty's HTTP/1.x codec) on a background thread, as soon as a class loader shows that it holds
 * that server, instead of inside the first request. Only at start-up ({@code premain}): weaving a
 * server class cold takes tens of milliseconds, and the first request of each server waited for it.
 *
 * <p>Nothing changes in what is woven: when the JVM then loads the class, the transformer matches it
 * as always and takes the pre-woven class file only if the class file the JVM hands it is the one
 * that was read ahead (byte for byte, so another agent's change or a different copy is woven afresh)
 * and the families that match it are exactly the one that wove it ahead. Everything the transformer
 * does for a woven class (the families and the listener told) happens then, on the class's own
 * load, as before. A class that loads before its pre-weaving is done is woven by the transformer
 * itself, and the late result is dropped; the transformer never waits for this thread, so a class
 * loader's locks can never be held against it. A failure ahead is dropped silently: the class is
 * then woven at its load, which reports it.
 *
 * <p>A trigger is a class whose internal name starts with a family's {@link NamedTypesInstrumentation#preWeaveTrigger()}
 * being <em>defined</em> by the class loader (the JVM hands the defining loader to transformers),
 * so a child loader that merely sees the server's jar through its parent does not cause a weave
 * whose result the parent's classes would never use.
 */
final class PreWeaving {

    /** Weaves one class file for one family; the transformer's weaving, marked busy on this thread. */
    interface Weave {
        byte[] weave(ClassLoader loader, String internalName, byte[] classFile, ServerInstrumentation family);
    }

    private static final class Target {
        final NamedTypesInstrumentation family;
        final String trigger;
        final String internalName;

        Target(NamedTypesInstrumentation family, String trigger, String internalName) {
            this.family = family;
            this.trigger = trigger;
            this.internalName = internalName;
        }
    }

    /** One class to weave ahead, for one loader; filled in by the worker. */
    private static final class Slot {
        final ClassLoader loader;
        final Target target;
        /** Set once the class is woven ahead (under the lock); the class file read and the result (null: no method advised). */
        boolean done;
        byte[] original;
        byte[] woven;

        Slot(ClassLoader loader, Target target) {
            this.loader = loader;
            this.target = target;
        }
    }

    private final Target[] targets;
    /** The distinct triggers, looked at for every class loaded: a handful of prefixes. */
    private final String[] triggers;
    private final Weave weave;
    /** Triggers already fired per class loader (weak keys: no loader is kept alive). */
    private final Map<ClassLoader, Set<String>> fired = new WeakHashMap<>();
    /** Classes woven or being woven ahead, per class loader, by internal name; removed when the class loads. */
    private final Map<ClassLoader, Map<String, Slot>> slots = new WeakHashMap<>();
    private final ArrayDeque<Slot> queue = new ArrayDeque<>();
    private Thread worker;
    private boolean stopped;

    PreWeaving(ServerInstrumentation[] families, Weave weave) {
        this.weave = weave;
        List<Target> all = new ArrayList<>();
        Set<String> prefixes = new HashSet<>();
        for (ServerInstrumentation family : families) {
            if (!(family instanceof NamedTypesInstrumentation)) {
                continue;
            }
            NamedTypesInstrumentation named = (NamedTypesInstrumentation) family;
            String trigger = named.preWeaveTrigger();
            if (trigger == null) {
                continue;
            }
            for (String className : named.preWeaveClasses()) {
                all.add(new Target(named, trigger, className.replace('.', '/')));
                prefixes.add(trigger);
            }
        }
        targets = all.toArray(new Target[0]);
        triggers = prefixes.toArray(new String[0]);
    }

    /**
     * A class is being loaded (not redefined) by {@code loader}: if it is the first of a trigger's
     * classes that loader defines, the trigger's classes are queued for the worker.
     */
    void loading(ClassLoader loader, String internalName) {
        if (loader == null) {
            return;
        }
        for (String trigger : triggers) {
            if (internalName.startsWith(trigger)) {
                fire(loader, trigger);
            }
        }
    }

    private synchronized void fire(ClassLoader loader, String trigger) {
        if (stopped) {
            return;
        }
        Set<String> done = fired.get(loader);
        if (done == null) {
            done = new HashSet<>();
            fired.put(loader, done);
        }
        if (!done.add(trigger)) {
            return;
        }
        Map<String, Slot> mine = slots.get(loader);
        for (Target target : targets) {
            if (target.trigger.equals(trigger)) {
                if (mine == null) {
                    mine = new HashMap<>();
                    slots.put(loader, mine);
                }
                if (!mine.containsKey(target.internalName)) {
                    Slot slot = new Slot(loader, target);
                    mine.put(target.internalName, slot);
                    queue.add(slot);
                }
            }
        }
        if (worker == null && !queue.isEmpty()) {
            Thread t = new Thread(this::work, "corsguard-pre-weave");
            t.setDaemon(true);
            worker = t;
            t.start();
        }
    }

    /**
     * The class file woven ahead for a class the JVM is loading, or null when there is none to use
     * (not woven ahead, not done yet, another class file, other families). Either way the slot is
     * gone afterwards: a class loads once per loader, and a late result is dropped.
     *
     * @return a one-element array holding the woven class file (null inside: no method was advised)
     */
    byte[][] take(ClassLoader loader, String internalName, byte[] classFile, ServerInstrumentation[] matched) {
        if (loader == null) {
            return null;
        }
        Slot slot;
        synchronized (this) {
            Map<String, Slot> mine = slots.get(loader);
            slot = mine == null ? null : mine.remove(internalName);
            if (slot == null || !slot.done) {
                return null;
            }
        }
        if (matched.length != 1 || matched[0] != slot.target.family || !Arrays.equals(slot.original, classFile)) {
            return null;
        }
        return new byte[][] {slot.woven};
    }

    /** Stops queuing and drops what was woven ahead (detach). */
    synchronized void stop() {
        stopped = true;
        queue.clear();
        slots.clear();
        fired.clear();
    }

    /** Test only: waits until the worker has nothing left to do. */
    synchronized boolean awaitIdle(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (worker != null) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private void work() {
        while (true) {
            Slot slot;
            synchronized (this) {
                slot = queue.poll();
                if (slot == null) {
                    worker = null;
                    notifyAll();
                    return;
                }
            }
            try {
                byte[] original = ClassFileHeader.read(slot.loader, slot.target.internalName);
                if (original == null) {
                    // the loader does not have this class (another version of the server, say)
                    drop(slot);
                    continue;
                }
                byte[] woven = weave.weave(slot.loader, slot.target.internalName, original, slot.target.family);
                synchronized (this) {
                    slot.original = original;
                    slot.woven = woven;
                    slot.done = true;
                }
            } catch (Throwable t) {
                // woven again when the class loads, which reports the failure
                drop(slot);
            }
        }
    }

    private synchronized void drop(Slot slot) {
        Map<String, Slot> mine = slots.get(slot.loader);
        if (mine != null && mine.get(slot.target.internalName) == slot) {
            mine.remove(slot.target.internalName);
        }
    }
}
