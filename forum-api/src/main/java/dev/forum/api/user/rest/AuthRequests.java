package dev.forum.api.user.rest;

import dev.forum.contract.CurrentUser;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Bodies of the /api/auth endpoints. */
public final class AuthRequests {

    private AuthRequests() {
    }

    public record Register(
            @NotBlank @Size(min = 3, max = 32) @Pattern(regexp = "[A-Za-z0-9_.-]+", message = "may only contain letters, digits, _ . -") String username,
            @NotBlank @Size(min = 8, max = 128) String password,
            @Size(max = 64) String displayName) {
    }

    public record Login(@NotBlank String username, @NotBlank String password) {
    }

    public record LoginResult(String token, CurrentUser user) {
    }
}
