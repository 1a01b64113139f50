package io.corsguard.launcher;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentLauncherTest {

    /**
     * Here the launcher is loaded from agent/target/classes, a directory, as it is when a
     * benchmark or an app puts the agent's classes on its class path ahead of the jar: the agent
     * must then say where it was loaded from, not fail on opening a directory as a jar.
     */
    @Test
    void aLauncherLoadedFromADirectoryNamesItInsteadOfOpeningItAsAJar() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AgentLauncher.loader(null));
        assertTrue(e.getMessage().startsWith("the agent's launcher was loaded from "), e.getMessage());
        assertTrue(e.getMessage().contains("classes"), e.getMessage());
        assertTrue(e.getMessage().endsWith("not from the agent jar: the agent's own classes must not be on the"
            + " application's class path"), e.getMessage());
    }
}
