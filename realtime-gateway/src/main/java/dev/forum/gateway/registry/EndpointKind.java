package dev.forum.gateway.registry;

/** Which WebSocket path a connection was opened on (a metrics tag and a behaviour switch). */
public enum EndpointKind {
    V2("v2"),
    THREAD("thread"),
    GLOBAL("global");

    private final String tag;

    EndpointKind(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
