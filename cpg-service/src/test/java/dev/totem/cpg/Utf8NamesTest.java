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
}
