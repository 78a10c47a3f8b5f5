package dev.forum.api.user.service;

import dev.forum.api.outbox.mapping.EventMapper;
import dev.forum.api.outbox.service.OutboxWriter;
import dev.forum.api.user.User;
import dev.forum.api.user.mapping.UserView;
import dev.forum.contract.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.Optional;

/** Admin changes to a user's role and membership tier. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class UserService {

    private final OutboxWriter outbox;
    private final EventMapper events;

    public UserService(OutboxWriter outbox, EventMapper events) {
        this.outbox = outbox;
        this.events = events;
    }

    public Optional<UserView> partialUpdateUser(long id, Role role, Integer tierCents) {
        User user = User.findById(id);
        if (user == null) {
            return Optional.empty();
        }
        if (role != null) {
            user.role = role.wireName();
        }
        if (tierCents != null) {
            user.tierCents = tierCents;
        }
        outbox.write(events.userUpdated(user));
        return Optional.of(UserView.of(user));
    }
}
