/** One record per event type (the {@code payload} of an {@link dev.forum.contract.EventEnvelope}) and the views they share. */
package dev.forum.contract.payload;
