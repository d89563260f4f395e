package dev.totem.jepsen;

/**
 * The IP family a run's networks use ({@code ./totem jepsen --ipv6}): where node {@code n} sits on
 * network {@code k}, the prefix of that network, and how nftables matches a source address.
 */
public enum IpFamily {
    /** {@code 10.<77+k>.0.<n>/24}. */
    IPV4("ip"),
    /** {@code fd77:<k>::<n>/64}: unique local addresses, added without duplicate detection. */
    IPV6("ip6");

    private final String nftFamily;

    IpFamily(String nftFamily) {
        this.nftFamily = nftFamily;
    }

    /** The address of {@code node} on network {@code network}. */
    public String address(int network, int node) {
        return this == IPV4 ? "10." + (77 + network) + ".0." + node : "fd77:" + network + "::" + node;
    }

    /**
     * The multicast group of a udp run: an organisation-local IPv4 group, or a site-local IPv6
     * one (scope 5, as corosync derives ff15:: groups), which needs no interface scope.
     */
    public String mcastGroup() {
        return this == IPV4 ? "239.192.77.1" : "ff15::77:1";
    }

    /** The network prefix length of every network. */
    int prefixBits() {
        return this == IPV4 ? 24 : 64;
    }

    /** The nft expression that matches a datagram's source address: {@code ip saddr} or {@code ip6 saddr}. */
    String nftSourceMatch() {
        return nftFamily + " saddr";
    }
}
