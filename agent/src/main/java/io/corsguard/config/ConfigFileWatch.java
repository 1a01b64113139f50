package io.corsguard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.CRC32;

/**
 * The state of the properties file when it was read, to detect changes for hot reload. Size and
 * modification time are compared first; when both are unchanged the content's CRC is compared
 * too, because file systems with coarse timestamps hide an edit made within the same second.
 */
public final class ConfigFileWatch {
    private final Path path;
    private final boolean readable;
    private final long lastModified;
    private final long size;
    private final long crc;

    private ConfigFileWatch(Path path, boolean readable, long lastModified, long size, long crc) {
        this.path = path;
        this.readable = readable;
        this.lastModified = lastModified;
        this.size = size;
        this.crc = crc;
    }

    /** Stats the file; call before reading it, so a write during the read shows as a change later. */
    static ConfigFileWatch stat(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return new ConfigFileWatch(path, true, a.lastModifiedTime().toMillis(), a.size(), -1);
        } catch (IOException | RuntimeException e) {
            return new ConfigFileWatch(path, false, -1, -1, -1);
        }
    }

    /** This watch with the CRC of the content that was read ({@code null}: unreadable). */
    ConfigFileWatch withContent(byte[] content) {
        return new ConfigFileWatch(path, readable && content != null, lastModified, size,
                content == null ? -1 : crc(content));
    }

    public String path() {
        return path.toString();
    }

    /** Whether the file existed and was read. */
    public boolean readable() {
        return readable;
    }

    /** Modification time in epoch millis, -1 when the file could not be read. */
    public long lastModified() {
        return lastModified;
    }

    /** Size in bytes, -1 when the file could not be read. */
    public long size() {
        return size;
    }

    /** Whether the file now differs from what was read (appeared, vanished, or changed). */
    public boolean changed() {
        ConfigFileWatch now = stat(path);
        if (now.readable != readable || now.lastModified != lastModified || now.size != size) {
            return true;
        }
        if (!readable || size > ConfigLoader.MAX_FILE_BYTES) {
            return false;
        }
        try {
            return crc(Files.readAllBytes(path)) != crc;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static long crc(byte[] content) {
        CRC32 c = new CRC32();
        c.update(content, 0, content.length);
        return c.getValue();
    }

    @Override
    public String toString() {
        return path + " (" + size + " bytes, modified " + lastModified + ")";
    }
}
