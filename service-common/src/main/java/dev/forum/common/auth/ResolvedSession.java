package dev.forum.common.auth;

import dev.forum.contract.CurrentUser;

import java.time.Instant;

/** A session token forum-api accepted: its user, and when the session expires (null if forum-api did not say). */
public record ResolvedSession(CurrentUser user, Instant expiresAt) {
}
