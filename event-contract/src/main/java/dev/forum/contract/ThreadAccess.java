package dev.forum.contract;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What decides who may read a thread ({@code GET /api/internal/threads/{id}}). The one read check
 * of the platform: forum-api, the gateway and the notification service all call {@link #canRead}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ThreadAccess(long threadId, int minTierCents, boolean deleted) {

    public boolean canRead(Role role, int tierCents) {
        return !deleted && readableAtTier(minTierCents, role, tierCents);
    }

    /** Staff read every thread; members need a tier at least the thread's. */
    public static boolean readableAtTier(int minTierCents, Role role, int tierCents) {
        return role.isStaff() || tierCents >= minTierCents;
    }
}
