package dev.forum.common.auth;

/** forum-api could not say whether a session is valid (timeout, refused connection, 5xx): callers fail closed. */
public class AuthUnavailableException extends RuntimeException {

    public AuthUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
