package dev.forum.notify.projection;

/** A thread as the notification service knows it (projected from thread events). */
public record ThreadRow(long id, String title, int minTierCents, boolean deleted, Long parentThreadId) {
}
