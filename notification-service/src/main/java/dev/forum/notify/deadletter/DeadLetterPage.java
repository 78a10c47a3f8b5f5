package dev.forum.notify.deadletter;

import java.util.List;

/** {@code GET /api/internal/notify/dead-letters}: newest failure first. */
public record DeadLetterPage(List<DeadLetter> deadLetters) {
}
