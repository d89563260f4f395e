package dev.totem.rrp;

/** What tells one frame from another of the same sender: type, ring and seq (or token seq). */
record Fingerprint(int type, int ringRep, long ringSeq, long seq) {}
