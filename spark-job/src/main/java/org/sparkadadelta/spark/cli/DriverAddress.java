package org.sparkadadelta.spark.cli;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/** Addresses for the driver: whether one is loopback, and which one this host shows a cluster. */
final class DriverAddress {
    private DriverAddress() {
    }

    /** Whether {@code ip} (a literal address, e.g. SPARK_LOCAL_IP's value; null allowed) is a loopback address. */
    static boolean isLoopback(String ip) {
        if (ip == null || ip.isBlank() || !ip.matches("[0-9a-fA-F:.]+")) {
            return false; // not a literal address: no name lookup
        }
        try {
            return InetAddress.getByName(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * This host's address as Spark picks it without SPARK_LOCAL_IP: the host name's address unless it is a
     * loopback one (as on Debian, 127.0.1.1), then the first IPv4 address of an interface that is up and not
     * loopback; loopback when there is none.
     */
    static String ofThisHost() {
        try {
            InetAddress host = InetAddress.getLocalHost();
            if (!host.isLoopbackAddress()) {
                return host.getHostAddress();
            }
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nic.isUp() && !nic.isLoopback()) {
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                            return a.getHostAddress();
                        }
                    }
                }
            }
        } catch (UnknownHostException | SocketException e) {
            // fall through to loopback: the run then works only with a cluster on this machine
        }
        return "127.0.0.1";
    }
}
