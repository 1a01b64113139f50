package io.corsguard.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jakarta advice shells (and the jakarta test app) are the javax files with the namespace
 * replaced, so the twins cannot drift (STYLE anti-pattern 1). To regenerate after editing a javax file:
 * {@code sed -e 's/javax\.servlet/jakarta.servlet/g; s/Javax/Jakarta/g' JavaxX.java > JakartaX.java}.
 */
@DisplayName("Jakarta twins")
class JakartaTwinsTest {

    @ParameterizedTest(name = "{0} is its javax twin with the namespace replaced")
    @ValueSource(strings = {
        "src/main/java/io/corsguard/servlet/%sServiceAdvice.java",
        "src/main/java/io/corsguard/servlet/%sHeaderAdvice.java",
        "src/main/java/io/corsguard/servlet/%sResponseAdvice.java",
        "src/main/java/io/corsguard/servlet/%sAsyncCompleteAdvice.java",
        "src/test/java/io/corsguard/servlet/%sTestApp.java",
    })
    void jakartaFileIsTheJavaxFileWithTheNamespaceReplaced(String pattern) throws Exception {
        Path javax = Paths.get(String.format(pattern, "Javax"));
        Path jakarta = Paths.get(String.format(pattern, "Jakarta"));
        String expected = new String(Files.readAllBytes(javax), StandardCharsets.UTF_8)
            .replace("javax.servlet", "jakarta.servlet").replace("Javax", "Jakarta");
        assertEquals(expected, new String(Files.readAllBytes(jakarta), StandardCharsets.UTF_8), jakarta.toString());
    }
}
