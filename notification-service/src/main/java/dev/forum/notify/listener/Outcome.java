package dev.forum.notify.listener;

/** What processing one event did. */
public enum Outcome {
    /** Side effects applied, event recorded, cursor advanced. */
    PROCESSED,
    /** The event id was already processed (redelivery): nothing applied again. */
    DUPLICATE,
    /** Its seq is at or behind the stored cursor: already consumed, nothing done. */
    ALREADY_CONSUMED,
    /** It failed {@code notify.consumer.max-attempts} times: recorded in dead_letter_events, cursor advanced. */
    DEAD_LETTERED
}
