package dev.forum.api.user.mapping;

import dev.forum.contract.Role;

/** A user offered by the mention autocomplete. */
public record MentionCandidate(long id, String username, String displayName, Role role) {
}
