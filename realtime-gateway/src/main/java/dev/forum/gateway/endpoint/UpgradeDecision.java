package dev.forum.gateway.endpoint;

import dev.forum.contract.CurrentUser;

import java.time.Instant;

/** What {@link SessionUpgradeCheck} decided on an upgrade request: a session to open the socket with, or a refusal. */
sealed interface UpgradeDecision permits UpgradeDecision.Admission, UpgradeRefusal {

    /** The session the socket is opened with ({@code expiresAt} null: unknown, never closed for it). */
    record Admission(CurrentUser user, String token, Instant expiresAt) implements UpgradeDecision {
    }
}
