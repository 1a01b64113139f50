package io.corsguard.it.springapp27;

import java.util.Collections;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The Spring Boot 3 fixture's mistakes on Boot 2.7 (javax, Spring 5.3, Security 5.7): MVC CORS with
 * {@code allowedOriginPatterns("*")} and {@code allowCredentials(true)} (every origin reflected with
 * credentials: CG003), and a Security filter chain without {@code cors()}, so preflights to
 * {@code /secure/**} meet the authentication entry point (401) before MVC's CORS handling (CG012).
 */
@SpringBootApplication
public class SpringCorsApp27 implements WebMvcConfigurer {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(SpringCorsApp27.class);
        app.addListeners((ApplicationListener<WebServerInitializedEvent>) e -> {
            System.out.println("spring-boot " + SpringBootVersion.getVersion() + ", tomcat "
                + org.apache.catalina.util.ServerInfo.getServerNumber());
            // the app's own logging library (Boot's logback, from the nested jar)
            System.out.println("logback from " + ch.qos.logback.classic.LoggerContext.class.getProtectionDomain().getCodeSource().getLocation());
            System.out.println("READY servlet=" + e.getWebServer().getPort());
            System.out.flush();
        });
        app.run(args);
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        registry.addMapping("/**").allowedOriginPatterns("*").allowCredentials(true).allowedMethods("GET", "PUT", "POST");
    }

    @Bean
    SecurityFilterChain filterChain(HttpSecurity http) throws Exception {
        // Security 5.7: antMatchers (requestMatchers(String...) came with 5.8)
        http.authorizeHttpRequests(a -> a.antMatchers("/secure/**").authenticated().anyRequest().permitAll())
            .httpBasic(Customizer.withDefaults())
            .csrf(c -> c.disable());
        return http.build();
    }

    @RestController
    static class Api {
        private static final Logger LOG = LoggerFactory.getLogger(Api.class);

        @GetMapping("/api/data")
        Map<String, Object> data(@RequestHeader(value = "Origin", required = false) String origin) {
            LOG.info("data for origin {}", origin);
            return Collections.singletonMap("ok", true);
        }

        @GetMapping("/secure/data")
        Map<String, Object> secure() {
            return Collections.singletonMap("secret", true);
        }
    }
}
