package dev.forum.contract.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/** {@code everyone_restricted}: the addressee may not use @everyone until {@code until} (null: until lifted). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EveryoneRestricted(String reason, String restrictedBy,
        @JsonInclude(JsonInclude.Include.ALWAYS) Instant until)
        implements EventPayload {
}
