package io.corsguard.install;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The MBean's Mode setter overrides mode in the agent arguments: a repeated key would be a configuration error. */
class WithModeTest {
    @Test
    void replacesModeAndKeepsEveryOtherArgument() {
        assertEquals("config=/etc/cg.properties;allowed-origins=https://a.example;mode=correct",
            Installer.withMode("config=/etc/cg.properties;mode=monitor;allowed-origins=https://a.example", "correct"));
    }

    @Test
    void addsModeToNoArgumentsOrEmptyOnes() {
        assertEquals("mode=off", Installer.withMode(null, "off"));
        assertEquals("mode=off", Installer.withMode("", "off"));
        assertEquals("jmx=true;mode=off", Installer.withMode(" jmx=true ;; ", "off"));
    }

    @Test
    void replacesTheModeWrittenWithPrefixOrSpaces() {
        assertEquals("mode=correct", Installer.withMode("corsguard.mode=monitor", "correct"));
        assertEquals("mode=correct", Installer.withMode(" mode = off", "correct"));
    }
}
