package dev.forum.api.message.mapping;

import org.commonmark.node.CustomNode;

/** {@code @username} of an existing user, {@code @team} or {@code @everyone} in a message's text (see {@link TextLinker}). */
final class MentionNode extends CustomNode {

    enum Kind { USER, TEAM, EVERYONE }

    final Kind kind;
    /** The user's username as registered (USER), or {@code team} / {@code everyone}. */
    final String name;

    MentionNode(Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }
}
