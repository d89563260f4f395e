package dev.totem.cpg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8NamesTest {
    @Test
    void theSameBytesGiveTheSameStringAndOthersANewOne() throws Exception {
        Utf8Names names = new Utf8Names();
        byte[] a = "xxgrüppe".getBytes(StandardCharsets.UTF_8);
        String first = names.decode(a, 2, a.length - 2);
        assertThat(first).isEqualTo("grüppe");
        byte[] again = "grüppe!".getBytes(StandardCharsets.UTF_8);
        assertThat(names.decode(again, 0, again.length - 1)).isSameAs(first);
        byte[] other = "bench".getBytes(StandardCharsets.UTF_8);
        assertThat(names.decode(other, 0, other.length)).isEqualTo("bench");
        assertThat(names.decode(a, 2, a.length - 2)).isEqualTo("grüppe").isNotSameAs(first);
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedAndDoNotReplaceTheLastName() throws Exception {
        Utf8Names names = new Utf8Names();
        byte[] g = {'g'};
        String last = names.decode(g, 0, 1);
        byte[] surrogate = {(byte) 0xed, (byte) 0xa0, (byte) 0x80}; // an encoded UTF-16 surrogate
        assertThatThrownBy(() -> names.decode(surrogate, 0, 3)).isInstanceOf(CharacterCodingException.class);
        assertThatThrownBy(() -> names.decode(new byte[] {(byte) 0xff}, 0, 1)).isInstanceOf(CharacterCodingException.class);
        assertThat(names.decode(g, 0, 1)).isSameAs(last);
    }

    @Test
    void aTableOfManySlotsKeepsManyNamesAndEachSlotHoldsOne() throws Exception {
        Utf8Names names = new Utf8Names(4096);
        String[] first = new String[1000];
        for (int i = 0; i < first.length; i++) {
            byte[] b = ("lock-" + i).getBytes(StandardCharsets.UTF_8);
            first[i] = names.decode(b, 0, b.length);
        }
        int same = 0;
        for (int i = 0; i < first.length; i++) {
            byte[] b = ("lock-" + i).getBytes(StandardCharsets.UTF_8);
            String again = names.decode(b, 0, b.length);
            assertThat(again).isEqualTo("lock-" + i);
            same += again == first[i] ? 1 : 0;
        }
        // Direct-mapped: a name loses its slot only to another name of the same slot.
        assertThat(same).isGreaterThan(800);
    }

    @Test
    void slotsAreBounded() {
        assertThatThrownBy(() -> new Utf8Names(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Utf8Names(Utf8Names.SLOTS_MAX + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesWhoseHomeSlotIsTakenSitInTheNextSlotsAndTheTableStaysBounded() throws Exception {
        // Four slots, four probes: any four names fit, whatever their hashes; a fifth evicts one.
        Utf8Names names = new Utf8Names(4);
        String[] words = {"alpha", "beta", "gamma", "délta"};
        String[] first = new String[words.length];
        for (int i = 0; i < words.length; i++) {
            byte[] b = words[i].getBytes(StandardCharsets.UTF_8);
            first[i] = names.decode(b, 0, b.length);
        }
        for (int i = 0; i < words.length; i++) {
            byte[] b = words[i].getBytes(StandardCharsets.UTF_8);
            assertThat(names.decode(b, 0, b.length)).isSameAs(first[i]).isEqualTo(words[i]);
        }
        byte[] fifth = "epsilon".getBytes(StandardCharsets.UTF_8);
        assertThat(names.decode(fifth, 0, fifth.length)).isEqualTo("epsilon");
        int kept = 0;
        for (int i = 0; i < words.length; i++) {
            byte[] b = words[i].getBytes(StandardCharsets.UTF_8);
            kept += names.decode(b, 0, b.length) == first[i] ? 1 : 0;
        }
        assertThat(kept).isLessThan(words.length);
    }
}
