package dev.forum.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine's PostgreSQL, reached with the {@code psql} client. The harness creates one database
 * per stack and drops only that one. Host and port: env FORUM_PG_HOST / FORUM_PG_PORT.
 */
public final class Postgres {

    public static final String HOST = System.getenv().getOrDefault("FORUM_PG_HOST", "127.0.0.1");
    public static final String PORT = System.getenv().getOrDefault("FORUM_PG_PORT", "5432");
    public static final String USER = System.getenv().getOrDefault("FORUM_PG_USER", "postgres");

    private Postgres() {
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    public static void createDatabase(String name) {
        psql("postgres", "CREATE DATABASE " + name);
    }

    public static void dropDatabase(String name) {
        psql("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** Runs one SQL statement in a database; returns psql's unaligned output. */
    public static String psql(String database, String sql) {
        try {
            Process process = new ProcessBuilder(List.of("psql", "-h", HOST, "-p", PORT, "-U", USER, "-d", database,
                    "-v", "ON_ERROR_STOP=1", "-tAc", sql)).redirectErrorStream(true).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("psql timed out: " + sql);
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("psql failed (" + sql + "): " + output);
            }
            return output.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
