package io.corsguard.it;

import io.corsguard.it.DemoServers.App;

/**
 * {@link SpringBootMvcTest}'s tests on it-tests/spring-boot27-app: Spring Boot 2.7 (javax; Spring
 * 5.3, Security 5.7, embedded Tomcat 9.0) run as its fat jar, judged by the Tomcat commit hook.
 * Spring 5.3 writes the same CORS lines in the same order as Spring 6.
 */
class SpringBoot27MvcTest extends SpringBootMvcTest {
    @Override
    App app() {
        return App.SPRING_BOOT27;
    }
}
