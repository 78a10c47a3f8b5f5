package dev.forum.notify.projection;

import dev.forum.contract.Role;
import dev.forum.contract.ThreadAccess;

/** A user as the notification service knows them (projected from user_registered / user_updated). */
public record UserRow(long id, String username, Role role, int tierCents) {

    public boolean canReadTier(int minTierCents) {
        return ThreadAccess.readableAtTier(minTierCents, role, tierCents);
    }
}
