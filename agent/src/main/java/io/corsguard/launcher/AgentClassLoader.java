package io.corsguard.launcher;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Loads the agent's implementation from the {@code io/corsguard/inst/**.classdata} entries of the
 * agent jar. Those entries are not class files to any other loader, so the application never sees
 * the agent's classes or its shaded Byte Buddy, slf4j and logback. The parent is the bootstrap
 * loader: the agent sees java.* and the bridge in {@code io.corsguard.bootstrap}, nothing of the app.
 */
final class AgentClassLoader extends ClassLoader {
    static final String PREFIX = "io/corsguard/inst/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;

    AgentClassLoader(File jarFile) throws IOException {
        super(null);
        this.jar = new JarFile(jarFile, false);
        this.jarUrl = jarFile.toURI().toURL().toExternalForm();
        this.domain = new ProtectionDomain(new CodeSource(jarFile.toURI().toURL(), (Certificate[]) null), null, this, null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String entryName = PREFIX + name.replace('.', '/') + ".classdata";
        ZipEntry entry = jar.getEntry(entryName);
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        try (InputStream in = jar.getInputStream(entry)) {
            byte[] bytes = readAll(in, entry.getSize());
            definePackageFor(name);
            return defineClass(name, bytes, 0, bytes.length, domain);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    private void definePackageFor(String className) {
        int dot = className.lastIndexOf('.');
        if (dot <= 0) {
            return;
        }
        String pkg = className.substring(0, dot);
        // checked first: a failed definePackage costs an exception, and ~1300 classes load here at start-up
        if (getPackage(pkg) != null) {
            return;
        }
        try {
            definePackage(pkg, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException alreadyDefined) {
            // another thread defined it first
        }
    }

    /** Byte Buddy reads advice bytes as resources: map {@code X.class} to its classdata entry. */
    @Override
    protected URL findResource(String name) {
        String entryName = name.endsWith(".class")
            ? PREFIX + name.substring(0, name.length() - ".class".length()) + ".classdata"
            : PREFIX + name;
        if (jar.getEntry(entryName) == null) {
            return null;
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + entryName);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.<URL>emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        String entryName = name.endsWith(".class")
            ? PREFIX + name.substring(0, name.length() - ".class".length()) + ".classdata"
            : PREFIX + name;
        ZipEntry entry = jar.getEntry(entryName);
        if (entry == null) {
            return super.getResourceAsStream(name);
        }
        try {
            return jar.getInputStream(entry);
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code size}: the entry's uncompressed size when the jar records it (it does), else -1. */
    private static byte[] readAll(InputStream in, long size) throws IOException {
        if (size >= 0 && size <= Integer.MAX_VALUE) {
            // one array of the right size instead of a growing buffer and a copy, per class
            byte[] bytes = new byte[(int) size];
            int off = 0;
            int n;
            while (off < bytes.length && (n = in.read(bytes, off, bytes.length - off)) > 0) {
                off += n;
            }
            if (off == bytes.length && in.read() < 0) {
                return bytes;
            }
            throw new IOException("class data shorter or longer than its recorded size " + size);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
