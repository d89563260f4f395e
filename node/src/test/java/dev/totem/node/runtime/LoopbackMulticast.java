package dev.totem.node.runtime;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Whether this host carries multicast on loopback (with IP_MULTICAST_IF = lo and TTL 1). */
final class LoopbackMulticast {
    private LoopbackMulticast() {}

    static boolean works() {
        try {
            return works(InetAddress.getByName("127.0.0.1"), InetAddress.getByAddress(
                    new byte[] {(byte) 239, (byte) 192, (byte) 255, (byte) ThreadLocalRandom.current().nextInt(1, 255)}));
        } catch (IOException e) {
            return false;
        }
    }

    /** The same over IPv6: {@code ::1} and a group {@code ff12::/16} (transient, link-local scope). */
    static boolean worksOverIpv6() {
        try {
            return works(InetAddress.getByName("::1"), ipv6Group());
        } catch (IOException e) {
            return false;
        }
    }

    /** A random transient IPv6 group of link-local scope. */
    static InetAddress ipv6Group() throws IOException {
        return InetAddress.getByName("ff12::7074:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1, 0xffff)));
    }

    private static boolean works(InetAddress bind, InetAddress group) {
        try {
            NetworkInterface lo = UdpNetwork.interfaceOf(bind);
            int port = NodeRunner.freeUdpPort(null);
            try (DatagramChannel ch = DatagramChannel.open(bind instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true).bind(new InetSocketAddress(group, port));
                ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
                ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
                ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                ch.join(group, lo);
                byte[] probe = "totem multicast probe".getBytes(StandardCharsets.UTF_8);
                ch.send(ByteBuffer.wrap(probe), new InetSocketAddress(group, port));
                ch.socket().setSoTimeout(2000);
                DatagramPacket in = new DatagramPacket(new byte[64], 64);
                ch.socket().receive(in);
                return in.getLength() == probe.length;
            }
        } catch (IOException e) {
            return false;
        }
    }
}
