package dev.forum.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The harness's own {@code redis-server} (no persistence) on a fixed free port; only this one is ever
 * stopped. With {@link #withAcl} it runs with the project's ACL users ({@code scripts/redis-users.acl.template}:
 * no default user, one least-rights user per service) plus a {@code harness} user for the test's own commands.
 */
public final class RedisServer {

    public static final String FORUM_API = "forum-api";
    public static final String GATEWAY = "gateway";
    public static final String NOTIFICATION_SERVICE = "notification-service";
    private static final String HARNESS = "harness";

    private final int port;
    private final Path logFile;
    /** User name to password; empty without ACLs. */
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private Path aclFile;
    private List<String> clusterArgs = List.of();
    private Process process;

    public RedisServer(int port, Path logDir) {
        this.port = port;
        this.logFile = logDir.resolve("redis-" + port + ".log");
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** The URL a service connects with: with ACLs, as its own user ({@link #FORUM_API}, {@link #GATEWAY}, ...). */
    public String url(String user) {
        String password = passwords.get(user);
        return password == null ? url() : "redis://" + user + ":" + password + "@127.0.0.1:" + port;
    }

    /**
     * Runs with ACLs: the template's users for {@code namespace} with random passwords, the default user
     * off, and a harness user with every right for {@link #command}.
     */
    public RedisServer withAcl(Path template, String namespace) {
        for (String user : List.of(FORUM_API, GATEWAY, NOTIFICATION_SERVICE, HARNESS)) {
            passwords.put(user, UUID.randomUUID().toString().replace("-", ""));
        }
        try {
            String acl = Files.readString(template).replace("@NS@", namespace)
                    .replace("@FORUM_API_PASSWORD@", passwords.get(FORUM_API))
                    .replace("@GATEWAY_PASSWORD@", passwords.get(GATEWAY))
                    .replace("@NOTIFY_PASSWORD@", passwords.get(NOTIFICATION_SERVICE));
            StringBuilder users = new StringBuilder();
            for (String line : acl.split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    users.append(line).append('\n');
                }
            }
            users.append("user ").append(HARNESS).append(" on >").append(passwords.get(HARNESS)).append(" ~* &* +@all\n");
            Files.createDirectories(logFile.getParent());
            aclFile = logFile.resolveSibling("redis-" + port + ".acl");
            Files.writeString(aclFile, users);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Runs as a Redis Cluster node ({@link RedisCluster}): its cluster state file in {@code dir}, a peer
     * that does not answer for {@code nodeTimeout} counts as failing. A replica's first sync starts at once
     * (Redis waits 5 s by default for more replicas to share it).
     */
    public RedisServer asClusterNode(Path dir, Duration nodeTimeout) {
        clusterArgs = List.of("--cluster-enabled", "yes", "--dir", dir.toString(), "--cluster-config-file",
                "nodes-" + port + ".conf", "--cluster-node-timeout", Long.toString(nodeTimeout.toMillis()),
                "--repl-diskless-sync-delay", "0");
        return this;
    }

    public synchronized RedisServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            logFile.getParent().toFile().mkdirs();
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no"));
            if (aclFile != null) {
                command.addAll(List.of("--aclfile", aclFile.toString()));
            }
            command.addAll(clusterArgs);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (is it installed?)", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ping()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("redis-server on " + port + " did not start; see " + logFile);
            }
            ServiceProcess.sleep(50);
        }
        return this;
    }

    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: no shutdown, its clients' sockets are cut, as when the machine under it dies. */
    public synchronized void kill() {
        ServiceProcess.kill(process);
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Runs one command with {@code redis-cli} against this server and returns its reply (raw output,
     * trimmed), e.g. {@code command("PUBSUB", "NUMPAT")} gives {@code "2"}.
     */
    public String command(String... args) {
        return commandAs(passwords.isEmpty() ? null : HARNESS, args);
    }

    /** {@link #command} as one of the ACL users (null: the default user), e.g. to show what it may not do. */
    public String commandAs(String user, String... args) {
        List<String> commandLine = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        if (user != null) {
            commandLine.addAll(List.of("--user", user, "--pass", passwords.get(user), "--no-auth-warning"));
        }
        commandLine.addAll(List.of(args));
        try {
            Process cli = new ProcessBuilder(commandLine).redirectErrorStream(true).start();
            String reply = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!cli.waitFor(10, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                throw new IllegalStateException("redis-cli " + commandLine + " failed: " + reply);
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run redis-cli (is it installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An integer reply of {@link #command}; the last line for commands such as PUBSUB NUMSUB. */
    public long integer(String... args) {
        String[] lines = command(args).split("\\s+");
        return Long.parseLong(lines[lines.length - 1]);
    }

    /** True when the server answers PING. */
    public boolean ping() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            String auth = passwords.isEmpty() ? "" : "AUTH " + HARNESS + " " + passwords.get(HARNESS) + "\r\n";
            out.write((auth + "PING\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String expected = (auth.isEmpty() ? "" : "+OK\r\n") + "+PONG";
            StringBuilder reply = new StringBuilder();
            byte[] buffer = new byte[64];
            while (reply.length() < expected.length()) {
                int read = in.read(buffer);
                if (read <= 0) {
                    return false;
                }
                reply.append(new String(buffer, 0, read, StandardCharsets.US_ASCII));
            }
            return reply.toString().startsWith(expected);
        } catch (IOException e) {
            return false;
        }
    }
}
