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
 * {@code -Dsystem.ports=25000-25999} narrows the range, so that runs of several people on one machine
 * stay out of each other's way.
 */
public final class Ports {

    private static final String RANGE = System.getProperty("system.ports", "20000-32767");
    private static final int FIRST = Integer.parseInt(RANGE.substring(0, RANGE.indexOf('-')));
    private static final int LAST = Integer.parseInt(RANGE.substring(RANGE.indexOf('-') + 1));
    /** Never hand the same port out twice in one run, even if its first owner has not bound it yet. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    public static synchronized int free() {
        return freeWithPartner(0);
    }

    /**
     * A free port p whose p + offset is free too: a Redis Cluster node also binds its bus port, p + 10000.
     * Both stay inside the range when it is wide enough (the default: bus ports 30000-32767), else p does.
     */
    public static synchronized int freeWithPartner(int offset) {
        int last = LAST - offset >= FIRST ? LAST - offset : Math.min(LAST, 65_535 - offset);
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, last + 1);
            if (available(port) && (offset == 0 || available(port + offset))) {
                HANDED_OUT.add(port);
                HANDED_OUT.add(port + offset);
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + FIRST + " and " + last + " (with +" + offset + ")");
    }

    private static boolean available(int port) {
        return !HANDED_OUT.contains(port) && bindable(port);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
