package dev.forum.api;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} on a free port, for tests that stop Redis: they stop and restart only this one,
 * never the machine's shared Redis. The port is published as {@code ownredis.port}.
 */
public class OwnRedisServer implements QuarkusTestResourceLifecycleManager {

    private Process process;

    @Override
    public Map<String, String> start() {
        int port = freePort();
        process = startOn(port);
        return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port, "ownredis.port", Integer.toString(port));
    }

    @Override
    public void stop() {
        stop(process);
    }

    /** Starts redis-server without persistence on the port and waits until it accepts connections. */
    public static Process startOn(int port) {
        try {
            Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", System.getProperty("java.io.tmpdir"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return p;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            p.destroyForcibly();
            throw new IllegalStateException("redis-server did not start on port " + port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Shuts down the private redis-server on this port (one this class started), without saving. */
    public static void shutdown(int port) {
        try {
            Process cli = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "shutdown", "nosave")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            cli.waitFor(10, TimeUnit.SECONDS);
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    Thread.sleep(50);
                } catch (IOException gone) {
                    return;
                }
            }
            throw new IllegalStateException("redis-server on port " + port + " did not stop");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
