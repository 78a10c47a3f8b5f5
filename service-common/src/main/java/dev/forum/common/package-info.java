/**
 * Plumbing every service does the same way, written once: {@code error} (the JSON error body and its mappers),
 * {@code auth} (the session token and the {@code /api/auth/me} look-up), {@code leader} (one leader across replicas),
 * {@code warmup} (the start-up warm-up's loop and its readiness check).
 */
package dev.forum.common;
