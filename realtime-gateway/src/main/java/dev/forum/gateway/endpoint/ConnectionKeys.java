package dev.forum.gateway.endpoint;

import dev.forum.contract.CurrentUser;
import dev.forum.gateway.registry.ClientSession;
import io.quarkus.websockets.next.UserData.TypedKey;

import java.time.Instant;

/** What the handshake and the connection keep in {@code userData()}. */
final class ConnectionKeys {

    static final TypedKey<CurrentUser> USER = new TypedKey<>("forum.user");
    static final TypedKey<String> TOKEN = TypedKey.forString("forum.token");
    static final TypedKey<Instant> EXPIRES_AT = new TypedKey<>("forum.session-expires-at");
    static final TypedKey<ClientSession> SESSION = new TypedKey<>("forum.session");

    private ConnectionKeys() {
    }
}
