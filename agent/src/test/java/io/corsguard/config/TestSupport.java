package io.corsguard.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

final class TestSupport {
    private TestSupport() {
    }

    static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Path write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content.getBytes(StandardCharsets.UTF_8));
        return p;
    }

    static CorsGuardConfig ok(ConfigResult r) {
        if (!r.ok()) {
            fail("unexpected errors: " + r.errorMessages());
        }
        assertNotNull(r.config());
        return r.config();
    }

    /** Asserts the result failed with exactly these messages, and carries no configuration. */
    static void assertErrors(ConfigResult r, String... messages) {
        assertEquals(java.util.Arrays.asList(messages), r.errorMessages());
        assertTrue(messages.length > 0);
        assertNull(r.config(), "a result with errors must carry no configuration");
    }

    static ConfigResult args(String agentArgs) {
        return ConfigLoader.load(agentArgs, Map.of(), Map.of());
    }

    static ConfigResult file(Path file) {
        return ConfigLoader.load("config=" + file, Map.of(), Map.of());
    }
}
