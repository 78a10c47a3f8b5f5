package dev.forum.notify.projection;

/** A message's thread and author (projected from new_message). */
public record MessageRow(long id, long threadId, long userId) {
}
