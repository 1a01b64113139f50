package io.corsguard.servlet;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-response state without adding fields (retransformation cannot): keys are compared by
 * identity, since a response's {@code equals} is the app's business, and held weakly, so a
 * response never released by the layer (an async request that never completes) cannot leak.
 */
final class WeakIdentityMap<V> {
    private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    /** Reused per thread: a CORS write on a response without state must not allocate. */
    private final ThreadLocal<Lookup> lookups = ThreadLocal.withInitial(Lookup::new);

    V get(Object key) {
        if (map.isEmpty()) {
            return null;
        }
        Lookup lookup = lookups.get().of(key);
        try {
            return map.get(lookup);
        } finally {
            lookup.referent = null;
        }
    }

    void put(Object key, V value) {
        expunge();
        map.put(new Key(key, queue), value);
    }

    V remove(Object key) {
        return map.remove(new Key(key, null));
    }

    int size() {
        expunge();
        return map.size();
    }

    private void expunge() {
        for (Reference<?> r; (r = queue.poll()) != null; ) {
            map.remove(r);
        }
    }

    /** Equal to the stored {@link Key} of the same referent; ConcurrentHashMap calls its equals. */
    private static final class Lookup {
        Object referent;
        int hash;

        Lookup of(Object key) {
            referent = key;
            hash = System.identityHashCode(key);
            return this;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).get() == referent;
        }
    }

    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            if (!(o instanceof Key)) {
                return false;
            }
            Object mine = get();
            return mine != null && mine == ((Key) o).get();
        }
    }
}
