package dev.forum.notify;

import dev.forum.contract.EventEnvelope;
import jakarta.enterprise.context.ApplicationScoped;

/** Test fixtures: users and threads created through their events, with run-unique ids. */
@ApplicationScoped
public class Forum {

    public record User(long id, String username) {
    }

    private final Feed feed;

    public Forum(Feed feed) {
        this.feed = feed;
    }

    public User member(int tierCents) {
        return user("member", tierCents);
    }

    public User staff(String role) {
        return user(role, 0);
    }

    public User user(String role, int tierCents) {
        long id = Events.nextId();
        User user = new User(id, "User_" + id);
        feed.deliver(Events.userRegistered(id, user.username(), role, tierCents));
        return user;
    }

    public long thread(int minTierCents, User creator) {
        long id = Events.nextId();
        feed.deliver(Events.newThread(id, "Thread " + id, minTierCents, creator.id(), creator.username()));
        return id;
    }

    /** Posts a message; returns its id. */
    public long post(User author, long threadId, String content) {
        return reply(author, threadId, content, null);
    }

    public long reply(User author, long threadId, String content, Long replyToId) {
        long id = Events.nextId();
        feed.deliver(Events.newMessage(id, threadId, author.id(), author.username(), content, replyToId));
        return id;
    }

    public void deliver(EventEnvelope... events) {
        feed.deliver(events);
    }
}
