package dev.forum.api.user.mapping;

import dev.forum.api.user.User;
import dev.forum.contract.Role;

/** A user as the API and the {@code user_registered}/{@code user_updated} events show them. */
public record UserView(long id, String username, String displayName, Role role, int tierCents, boolean suspended) {

    public static UserView of(User user) {
        return new UserView(user.id, user.username, user.displayName, user.roleEnum(), user.tierCents,
                user.isSuspended());
    }
}
