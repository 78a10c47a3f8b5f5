package dev.forum.api.moderation.service;

import dev.forum.api.auth.Caller;
import dev.forum.api.common.Times;
import dev.forum.api.moderation.EveryoneRestriction;
import dev.forum.api.moderation.EveryoneSetting;
import dev.forum.api.outbox.mapping.EventMapper;
import dev.forum.api.outbox.service.OutboxWriter;
import dev.forum.api.user.User;
import dev.forum.common.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** @everyone moderation: the admin's emergency switch and moderators' per-user restrictions. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class ModerationService {

    public static final String DISABLED_MESSAGE = "The @everyone mention has been disabled by an administrator";
    public static final String ENABLED_MESSAGE = "The @everyone mention has been re-enabled by an administrator";

    private final OutboxWriter outbox;
    private final EventMapper events;

    public ModerationService(OutboxWriter outbox, EventMapper events) {
        this.outbox = outbox;
        this.events = events;
    }

    public record EveryoneState(boolean enabled, String changedBy, Instant changedAt) {
    }

    public record Restriction(long userId, String username, String reason, Instant until, String restrictedBy,
                              Instant createdAt) {
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public EveryoneState findEveryoneState() {
        EveryoneSetting setting = EveryoneSetting.current();
        return new EveryoneState(setting.enabled, usernameOf(setting.changedBy), setting.changedAt);
    }

    public EveryoneState replaceEveryoneEnabled(Caller caller, boolean enabled) {
        EveryoneSetting setting = EveryoneSetting.current();
        setting.enabled = enabled;
        setting.changedBy = caller.id();
        setting.changedAt = Times.now();
        outbox.write(events.everyoneMention(enabled, enabled ? ENABLED_MESSAGE : DISABLED_MESSAGE));
        return new EveryoneState(enabled, caller.username(), setting.changedAt);
    }

    public Optional<Restriction> replaceRestriction(Caller caller, long userId, String reason, Instant until) {
        User user = User.findById(userId);
        if (user == null) {
            return Optional.empty();
        }
        if (until != null && !until.isAfter(Times.now())) {
            throw ApiException.badRequest("validation_failed", "until must be in the future", "until");
        }
        EveryoneRestriction restriction = EveryoneRestriction.findById(userId);
        if (restriction == null) {
            restriction = new EveryoneRestriction();
            restriction.userId = userId;
        }
        restriction.reason = reason.strip();
        restriction.until = until;
        restriction.restrictedBy = caller.id();
        restriction.createdAt = Times.now();
        restriction.persist();
        User by = User.findById(caller.id());
        outbox.write(events.everyoneRestricted(userId, restriction.reason, until, by));
        return Optional.of(view(restriction, user, by));
    }

    /** Lifts a restriction; empty when the user had none. */
    public boolean deleteRestriction(Caller caller, long userId) {
        EveryoneRestriction restriction = EveryoneRestriction.findById(userId);
        if (restriction == null) {
            return false;
        }
        restriction.delete();
        outbox.write(events.everyoneUnrestricted(userId, User.findById(caller.id())));
        return true;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Restriction> findActiveRestrictions() {
        return EveryoneRestriction.listActive(Times.now()).stream()
                .map(r -> view(r, User.findById(r.userId), User.findById(r.restrictedBy)))
                .toList();
    }

    private static Restriction view(EveryoneRestriction r, User user, User by) {
        return new Restriction(r.userId, user.username, r.reason, r.until, by == null ? null : by.username, r.createdAt);
    }

    private static String usernameOf(Long userId) {
        if (userId == null) {
            return null;
        }
        User user = User.findById(userId);
        return user == null ? null : user.username;
    }
}
