package dev.forum.gateway.endpoint;

/**
 * Every close code the gateway sends. 4000-4499: reconnect and resume; 4500-4999: terminal, do not
 * reconnect with the same credentials/request. Reasons are a few ASCII words.
 */
public enum DisconnectCode {
    /** Standard 1012: the gateway is restarting; reconnect (to another replica) and resume. */
    SHUTDOWN(1012, "service restart"),
    /** Standard 1009: a frame or message exceeded the configured size (sent by the WebSocket layer). */
    MESSAGE_TOO_BIG(1009, "message too big"),
    /** The client did not read fast enough; its outbound queue overflowed. Reconnect and resume. */
    SLOW(4001, "slow client"),
    /** Server-side failure while serving this connection; reconnect and resume. */
    INTERNAL(4002, "internal error"),
    /**
     * A logout of this user was announced but forum-api could not be asked whether this socket's session
     * is the one that ended: closed rather than kept open (fail closed). Reconnecting authenticates again.
     */
    SESSION_UNVERIFIED(4003, "session unverified"),
    /** The session was logged out, expired, or ended by an admin (suspension, end all sessions). */
    SESSION_REVOKED(4501, "session revoked"),
    /** The legacy thread endpoint was opened for a thread the user may not read or that does not exist. */
    FORBIDDEN(4503, "forbidden"),
    /** The user already holds {@code gateway.connections.per-user} sockets on this gateway. */
    TOO_MANY_CONNECTIONS(4509, "too many connections"),
    /** Persistent flooding after rate-limit errors. */
    FLOOD(4508, "too many messages");

    private final int code;
    private final String reason;

    DisconnectCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
