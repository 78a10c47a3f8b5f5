package dev.forum.gateway.endpoint;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may open a cookie-authenticated WebSocket (against cross-site WebSocket
 * hijacking: a page on another site can make the user's browser open our socket with the user's
 * cookie, and browsers do not apply the same-origin policy to WebSockets). Allowed: the origin whose
 * host and port equal the request's {@code Host} (the page was served by the same front door or
 * Ingress), and every origin in {@code gateway.origins.allowed}. Origins are compared as
 * {@code scheme://host[:port]}, case-insensitively, with the scheme's default port omitted.
 */
public final class OriginPolicy {

    private final Set<String> allowed;

    public OriginPolicy(List<String> allowed) {
        this.allowed = allowed.stream().map(OriginPolicy::normalise).filter(Objects::nonNull)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** True when a page of {@code origin} may use the cookie on a request that arrived with this {@code Host}. */
    public boolean allows(String origin, String host) {
        String normalised = normalise(origin);
        if (normalised == null) {
            return false;
        }
        if (allowed.contains(normalised)) {
            return true;
        }
        URI uri = URI.create(normalised);
        return host != null && authority(uri).equals(withoutDefaultPort(host.toLowerCase(Locale.ROOT), uri.getScheme()));
    }

    /** {@code scheme://host[:port]} in lower case without a default port, or null if it is not such an origin ("null", garbage). */
    static String normalise(String origin) {
        if (origin == null) {
            return null;
        }
        try {
            URI uri = new URI(origin.trim().toLowerCase(Locale.ROOT));
            String scheme = uri.getScheme();
            if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
                return null;
            }
            return scheme + "://" + authority(uri);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String authority(URI uri) {
        int port = uri.getPort();
        return port == -1 || port == defaultPort(uri.getScheme()) ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private static String withoutDefaultPort(String host, String scheme) {
        String suffix = ":" + defaultPort(scheme);
        return host.endsWith(suffix) ? host.substring(0, host.length() - suffix.length()) : host;
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }
}
