package dev.forum.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The harness's own {@code redis-server} (no persistence) on a fixed free port; only this one is ever stopped. */
public final class RedisServer {

    private final int port;
    private final Path logFile;
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

    public synchronized RedisServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            logFile.getParent().toFile().mkdirs();
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no")
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

    /**
     * Runs one command with {@code redis-cli} against this server and returns its reply (raw output,
     * trimmed), e.g. {@code command("PUBSUB", "NUMPAT")} gives {@code "2"}.
     */
    public String command(String... args) {
        List<String> commandLine = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
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
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int read = in.read(reply);
            return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
