package dev.forum.api.common;

import dev.forum.api.config.ForumConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;

/**
 * The limits besides posting, each a {@link PostRateLimiter} with its own bucket (see docs/http-api.md, Errors):
 * likes and follows per user, image uploads per user, login attempts per account and per client address, registrations per address.
 */
@ApplicationScoped
public class RateLimits {

    private final PostRateLimiter reactions;
    private final PostRateLimiter uploads;
    private final PostRateLimiter loginPerAccount;
    private final PostRateLimiter loginPerAddress;
    private final PostRateLimiter registerPerAddress;

    public RateLimits(ForumConfig config, RedisDataSource redis) {
        ForumConfig.RateLimit limits = config.rateLimit();
        ForumConfig.RateLimit.Login login = limits.login();
        String ns = config.redis().namespace();
        this.reactions = new PostRateLimiter(limits.reactions(), limits.window(), ns, "reactions",
                "Too many likes and follows", redis);
        this.uploads = new PostRateLimiter(limits.uploads(), limits.window(), ns, "uploads", "Too many uploads", redis);
        this.loginPerAccount = new PostRateLimiter(login.perAccount(), login.window(), ns, "login-account",
                "Too many login attempts", redis);
        this.loginPerAddress = new PostRateLimiter(login.perAddress(), login.window(), ns, "login-address",
                "Too many login attempts", redis);
        this.registerPerAddress = new PostRateLimiter(login.registersPerAddress(), login.window(), ns,
                "register-address", "Too many registrations", redis);
    }

    /** A like, unlike, follow or unfollow by this user, or 429. */
    public void acquireReaction(long userId) {
        reactions.acquire(userId);
    }

    /** An image upload by this user, or 429. */
    public void acquireUpload(long userId) {
        uploads.acquire(userId);
    }

    /** A login attempt for this username from this address (checked before the password is), or 429. */
    public void acquireLogin(String username, String clientAddress) {
        loginPerAddress.acquire(clientAddress);
        loginPerAccount.acquire(username.strip().toLowerCase(Locale.ROOT));
    }

    /** A registration from this address, or 429. */
    public void acquireRegister(String clientAddress) {
        registerPerAddress.acquire(clientAddress);
    }
}
