package io.corsguard.it.servers;

import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A Spring Boot 3 WebFlux app (Reactor Netty underneath) with the real-world reflection hole: a
 * {@code CorsWebFilter} on {@code /account/**} configured as {@code allowedOriginPatterns("*")} +
 * {@code allowCredentials(true)}, which echoes any origin with credentials (allowed methods and
 * headers {@code *}: Spring echoes the requested ones).
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class WebFluxApp {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(WebFluxApp.class);
        app.setBannerMode(org.springframework.boot.Banner.Mode.OFF);
        ReactiveWebServerApplicationContext ctx = (ReactiveWebServerApplicationContext) app.run(
            "--server.port=0", "--server.address=127.0.0.1", "--spring.main.web-application-type=reactive",
            "--logging.level.root=WARN");
        System.out.println("server jars: " + jarOf(SpringApplication.class) + ", " + jarOf(CorsWebFilter.class) + ", "
            + jarOf(reactor.netty.http.server.HttpServer.class) + ", " + jarOf(io.netty.channel.Channel.class));
        System.out.println("READY port=" + ctx.getWebServer().getPort());
        System.out.flush();
    }

    static String jarOf(Class<?> c) {
        String p = c.getProtectionDomain().getCodeSource().getLocation().getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    @Bean
    CorsWebFilter corsWebFilter() {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOriginPatterns(List.of("*"));
        cors.setAllowCredentials(true);
        cors.setAllowedMethods(List.of("*"));
        cors.setAllowedHeaders(List.of("*"));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/account/**", cors);
        return new CorsWebFilter(source);
    }

    @Bean
    RouterFunction<ServerResponse> routes() {
        return RouterFunctions.route()
            .GET("/account/me", r -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue("{\"user\":\"demo\"}\n"))
            .PUT("/account/me", r -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue("{\"saved\":true}\n"))
            .build();
    }
}
