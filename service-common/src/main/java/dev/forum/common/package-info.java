/**
 * Plumbing every service does the same way, written once: {@code error} (the JSON error body and its mappers),
 * {@code auth} (the session token and the {@code /api/auth/me} look-up), {@code leader} (one leader across replicas).
 */
package dev.forum.common;
