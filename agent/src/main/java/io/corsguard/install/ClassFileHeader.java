package io.corsguard.install;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * The few facts of a class file the transformer's first filter needs (JVMS §4.1): access flags,
 * super class and interfaces, in internal form ({@code a/b/C}), and whether it declares a method
 * of a given name ({@link #declaresConcreteMethod}). Read by skipping the constant pool
 * in place, without Byte Buddy or ASM, so that deciding "not ours" for the thousands of classes
 * an application loads costs no parsing library, no type pool and next to no garbage. Also where
 * a class file not yet loaded is read through its class loader ({@link #read}: the generic layer's
 * super types, the classes woven ahead).
 */
public final class ClassFileHeader {
    public static final int ACC_INTERFACE = 0x0200;
    public static final int ACC_SYNTHETIC = 0x1000;
    public static final int ACC_ABSTRACT = 0x0400;

    private final int access;
    private final String superName;
    private final String[] interfaces;
    /** The class file and its constant pool's offsets, kept for {@link #declaresConcreteMethod}. */
    private final byte[] classFile;
    private final int[] offsets;
    /** Where the fields table starts (JVMS §4.1: after the interfaces). */
    private final int fieldsStart;

    private ClassFileHeader(int access, String superName, String[] interfaces, byte[] classFile, int[] offsets,
                            int fieldsStart) {
        this.access = access;
        this.superName = superName;
        this.interfaces = interfaces;
        this.classFile = classFile;
        this.offsets = offsets;
        this.fieldsStart = fieldsStart;
    }

    public boolean isInterface() {
        return (access & ACC_INTERFACE) != 0;
    }

    public boolean isSynthetic() {
        return (access & ACC_SYNTHETIC) != 0;
    }

    /** The super class in internal form, null for {@code java/lang/Object} and module-info. */
    public String superName() {
        return superName;
    }

    public String[] interfaces() {
        return interfaces.clone();
    }

    public int interfaceCount() {
        return interfaces.length;
    }

    public String interfaceName(int i) {
        return interfaces[i];
    }

    /**
     * Whether the class itself declares a method with a body (not abstract) named one of
     * {@code names} (ASCII), whatever its descriptor: the fields and methods tables are walked
     * in place, no name is decoded.
     *
     * @throws IllegalArgumentException when the tables are truncated or name no Utf8 constant
     */
    public boolean declaresConcreteMethod(String[] names) {
        byte[] b = classFile;
        try {
            int p = skipMembers(b, fieldsStart);
            int methods = u2(b, p);
            p += 2;
            for (int m = 0; m < methods; m++) {
                int flags = u2(b, p);
                int nameIndex = u2(b, p + 2);
                if ((flags & ACC_ABSTRACT) == 0 && utf8In(nameIndex, names)) {
                    return true;
                }
                p = skipAttributes(b, p + 6);
            }
            return false;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated class file", e);
        }
    }

    /** Past a fields (or methods) table starting at {@code p} with its count. */
    private static int skipMembers(byte[] b, int p) {
        int n = u2(b, p);
        p += 2;
        for (int i = 0; i < n; i++) {
            p = skipAttributes(b, p + 6); // access, name, descriptor
        }
        return p;
    }

    /** Past an attributes table starting at {@code p} with its count. */
    private static int skipAttributes(byte[] b, int p) {
        int n = u2(b, p);
        p += 2;
        for (int i = 0; i < n; i++) {
            p += 6 + u4(b, p + 2); // name, length, info
        }
        return p;
    }

    private boolean utf8In(int index, String[] names) {
        if (index <= 0 || index >= offsets.length) {
            throw new IllegalArgumentException("method name constant " + index + " out of range");
        }
        int u = offsets[index];
        if ((classFile[u] & 0xFF) != 1) {
            throw new IllegalArgumentException("method name constant " + index + " is not Utf8");
        }
        int length = u2(classFile, u + 1);
        for (String name : names) {
            if (name.length() == length && asciiEquals(classFile, u + 3, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean asciiEquals(byte[] b, int from, String name) {
        for (int i = 0; i < name.length(); i++) {
            if (b[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A class file as its class loader finds it ({@code a/b/C.class} among the loader's resources,
     * which is where the JVM's class loading finds it too), read without loading the class.
     *
     * @param loader       null for the bootstrap loader
     * @param internalName {@code a/b/C}
     * @return null when the loader has no such class file or it cannot be read
     */
    public static byte[] read(ClassLoader loader, String internalName) {
        try (InputStream in = (loader == null ? BootResources.LOADER : loader).getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            return null;
        }
    }

    /** Resources of the bootstrap class loader: a loader with no URLs whose parent is the bootstrap loader. */
    private static final class BootResources {
        static final ClassLoader LOADER = new URLClassLoader(new URL[0], null);
    }

    /**
     * Parses the header of a class file.
     *
     * @throws IllegalArgumentException when the bytes are not a class file this reader understands
     */
    public static ClassFileHeader parse(byte[] b) {
        try {
            if (u4(b, 0) != 0xCAFEBABE) {
                throw new IllegalArgumentException("not a class file (magic)");
            }
            int count = u2(b, 8);
            // offsets of the constant pool entries; only Class and Utf8 are looked up later
            int[] offsets = new int[count];
            int p = 10;
            for (int i = 1; i < count; i++) {
                offsets[i] = p;
                int tag = b[p] & 0xFF;
                switch (tag) {
                    case 1: // Utf8
                        p += 3 + u2(b, p + 1);
                        break;
                    case 3: case 4: // Integer, Float
                    case 9: case 10: case 11: case 12: // Fieldref, Methodref, InterfaceMethodref, NameAndType
                    case 17: case 18: // Dynamic, InvokeDynamic
                        p += 5;
                        break;
                    case 5: case 6: // Long, Double take two slots
                        p += 9;
                        i++;
                        break;
                    case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                        p += 3;
                        break;
                    case 15: // MethodHandle
                        p += 4;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + p);
                }
            }
            int access = u2(b, p);
            int superIndex = u2(b, p + 4);
            int n = u2(b, p + 6);
            String[] interfaces = new String[n];
            for (int i = 0; i < n; i++) {
                interfaces[i] = className(b, offsets, u2(b, p + 8 + 2 * i));
            }
            return new ClassFileHeader(access, superIndex == 0 ? null : className(b, offsets, superIndex), interfaces, b,
                offsets, p + 8 + 2 * n);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated class file", e);
        }
    }

    private static String className(byte[] b, int[] offsets, int classIndex) {
        int c = offsets[classIndex];
        if ((b[c] & 0xFF) != 7) {
            throw new IllegalArgumentException("constant " + classIndex + " is not a class");
        }
        int u = offsets[u2(b, c + 1)];
        if ((b[u] & 0xFF) != 1) {
            throw new IllegalArgumentException("class name of constant " + classIndex + " is not Utf8");
        }
        return modifiedUtf8(b, u + 3, u2(b, u + 1));
    }

    /** JVMS §4.4.7 modified UTF-8; class names are nearly always ASCII, decoded on the fast path. */
    private static String modifiedUtf8(byte[] b, int from, int length) {
        char[] chars = new char[length];
        int n = 0;
        int end = from + length;
        for (int i = from; i < end; ) {
            int x = b[i++] & 0xFF;
            if (x < 0x80) {
                chars[n++] = (char) x;
            } else if ((x & 0xE0) == 0xC0) {
                chars[n++] = (char) (((x & 0x1F) << 6) | (b[i++] & 0x3F));
            } else {
                chars[n++] = (char) (((x & 0x0F) << 12) | ((b[i++] & 0x3F) << 6) | (b[i++] & 0x3F));
            }
        }
        return new String(chars, 0, n);
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int u4(byte[] b, int p) {
        return (u2(b, p) << 16) | u2(b, p + 2);
    }
}
