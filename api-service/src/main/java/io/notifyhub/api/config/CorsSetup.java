package io.notifyhub.api.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * CORS for {@code /api/**} only (the console keeps its own strict policy and is served from the API's origin).
 * The filter runs before the API key check: a browser's preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) carries no key, and is answered here, allowed or {@code 403}. A request
 * itself still needs its key; a {@code 401} carries the CORS headers too, so the page can read it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CorsProperties.class)
class CorsSetup {

    @Bean
    FilterRegistrationBean<CorsFilter> corsFilter(CorsProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        var configuration = properties.toConfiguration();
        if (configuration != null) {
            source.registerCorsConfiguration("/api/**", configuration);
        }
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(source));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE); // before ApiKeyFilter
        registration.setEnabled(configuration != null);
        return registration;
    }
}
