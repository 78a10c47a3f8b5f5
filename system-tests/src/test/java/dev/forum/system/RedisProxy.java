package dev.forum.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * A plain TCP proxy in front of a {@link RedisServer}, on its own free port, that can make connections
 * silent without closing them. {@link #silenceSubscribers()} turns every open connection that has issued
 * a {@code SUBSCRIBE}/{@code PSUBSCRIBE} into a half-open link, as a network partition or a NAT timeout
 * leaves it: both sockets stay open, every byte either side sends is read and thrown away, nobody gets
 * a FIN or RST. Connections opened afterwards pass normally. When either side closes a connection the
 * proxy closes the other side too.
 */
public final class RedisProxy implements AutoCloseable {

    private final int port;
    private final IntSupplier targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private ServerSocket server;

    public RedisProxy(int port, IntSupplier targetPort) {
        this.port = port;
        this.targetPort = targetPort;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized RedisProxy start() {
        if (server != null) {
            return this;
        }
        try {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + port, e);
        }
        ServerSocket listening = server;
        Thread acceptor = new Thread(() -> accept(listening), "redis-proxy-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    /** Silences every open subscriber connection (see the class comment); returns how many. */
    public int silenceSubscribers() {
        int silenced = 0;
        for (Link link : links) {
            if (link.subscriber && !link.closed) {
                link.silent = true;
                silenced++;
            }
        }
        return silenced;
    }

    @Override
    public synchronized void close() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        links.forEach(Link::close);
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket upstream;
                try {
                    upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort.getAsInt());
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                Link link = new Link(client, upstream);
                links.add(link);
                link.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private final class Link {
        private final Socket client;
        private final Socket upstream;
        private volatile boolean subscriber;
        private volatile boolean silent;
        private volatile boolean closed;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, true);
            pump(upstream, client, false);
        }

        private void pump(Socket from, Socket to, boolean fromClient) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try (InputStream in = from.getInputStream()) {
                    OutputStream out = to.getOutputStream();
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        if (fromClient && !subscriber && new String(buffer, 0, read, StandardCharsets.US_ASCII)
                                .toUpperCase(Locale.ROOT).contains("SUBSCRIBE")) {
                            subscriber = true;
                        }
                        if (!silent) {
                            out.write(buffer, 0, read);
                            out.flush();
                        }
                    }
                } catch (IOException ignored) {
                    // the other side is gone; close both below
                }
                close();
            }, "redis-proxy-link");
            thread.setDaemon(true);
            thread.start();
        }

        void close() {
            closed = true;
            links.remove(this);
            try {
                client.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
