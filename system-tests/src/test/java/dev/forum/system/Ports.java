package dev.forum.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free local TCP ports for the services a test starts. They are chosen below the kernel's ephemeral
 * range (32768-60999 on Linux): a service binds its port seconds after it was chosen, and a port from
 * the ephemeral range can meanwhile become the source port of any outgoing connection on the machine
 * (the test's own WebSocket clients included), which then fails the start with "Address already in use".
 */
public final class Ports {

    private static final int FIRST = 20_000;
    private static final int LAST = 32_767;
    /** Never hand the same port out twice in one run, even if its first owner has not bound it yet. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    public static synchronized int free() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
            if (!HANDED_OUT.contains(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + FIRST + " and " + LAST);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
