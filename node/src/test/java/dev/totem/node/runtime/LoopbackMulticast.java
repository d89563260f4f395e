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
            NetworkInterface lo = UdpNetwork.interfaceOf(InetAddress.getByName("127.0.0.1"));
            InetAddress group = InetAddress.getByAddress(
                    new byte[] {(byte) 239, (byte) 192, (byte) 255, (byte) ThreadLocalRandom.current().nextInt(1, 255)});
            int port = NodeRunner.freeUdpPort(null);
            try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET)) {
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
