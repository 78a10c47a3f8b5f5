package dev.forum.gateway.client;

/** forum-api could not answer (down, timeout, 5xx): the caller reports a temporary failure. */
public class UpstreamUnavailableException extends RuntimeException {

    public UpstreamUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
