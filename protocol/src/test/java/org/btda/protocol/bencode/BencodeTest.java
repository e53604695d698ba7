package org.btda.protocol.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BencodeTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void decodesAllTypes() {
        Object v = Bencode.decode(b("d4:listli1ei-42e0:e3:numi9223372036854775807e3:str5:hello4:subdd1:xi-9223372036854775808eee"));
        assertThat(v).isInstanceOf(BDict.class);
        BDict d = (BDict) v;
        assertThat(d.getList("list")).containsExactly(1L, -42L, BString.of(""));
        assertThat(d.getLong("num")).isEqualTo(Long.MAX_VALUE);
        assertThat(d.getString("str")).isEqualTo("hello");
        assertThat(d.getBytes("str")).isEqualTo(b("hello"));
        assertThat(d.getDict("subd").getLong("x")).isEqualTo(Long.MIN_VALUE);
        assertThat(d.get("missing")).isNull();
        assertThat(d.getLong("missing", 7)).isEqualTo(7);
        assertThat(d.keys()).containsExactly("list", "num", "str", "subd");
    }

    @Test
    void typedGetterOnWrongTypeSaysWhatAndWhere() {
        BDict d = (BDict) Bencode.decode(b("d1:ai1e1:b1:xe"));
        assertThatThrownBy(() -> d.getString("a")).isInstanceOf(BencodeException.class)
                .hasMessageContaining("'a' is integer, expected byte string").hasMessageContaining("offset 4");
        assertThatThrownBy(() -> d.getDict("b")).isInstanceOf(BencodeException.class)
                .satisfies(e -> assertThat(((BencodeException) e).offset()).isEqualTo(10));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "i03e|leading zero|0",
        "i-0e|negative zero|0",
        "ie|without digits|0",
        "i-e|without digits|0",
        "i12|end of input|3",
        "i1x2e|in integer|2",
        "i9223372036854775808e|overflows|0",
        "i-9223372036854775809e|overflows|0",
        "03:abc|leading zero|0",
        "5:abc|runs past end|0",
        "3abc|expected ':'|1",
        "l|end of input|1",
        "li1e|end of input|4",
        "d1:a|end of input|4",
        "di1ei2ee|key is not a byte string|1",
        "d1:ai1e1:ai2ee|duplicate dictionary key 'a'|7",
        "x|unexpected byte 0x78|0",
        "i1ei2e|trailing data|3",
        "|end of input|0",
    })
    void rejectsMalformedWithOffset(String input, String what, int offset) {
        assertThatThrownBy(() -> Bencode.decode(b(input == null ? "" : input)))
                .isInstanceOf(BencodeException.class)
                .hasMessageContaining(what)
                .hasMessageContaining("at byte offset " + offset)
                .satisfies(e -> assertThat(((BencodeException) e).offset()).isEqualTo(offset));
    }

    @Test
    void acceptsUnsortedKeysButKeepsRawBytes() {
        byte[] data = b("d4:infod1:zi1e1:ai2eee");
        BDict d = (BDict) Bencode.decode(data);
        BDict info = d.getDict("info");
        assertThat(info.keys()).containsExactly("a", "z");
        assertThat(d.rawSpan("info")).isEqualTo(b("d1:zi1e1:ai2ee"));
        assertThat(Bencode.encode(info)).isEqualTo(b("d1:ai2e1:zi1ee")); // re-encoding is canonical, hence different
        assertThat(d.rawSpan("nope")).isNull();
    }

    @Test
    void rawSpanOfEveryValueType() {
        BDict d = (BDict) Bencode.decode(b("d1:ai-5e1:b3:xyz1:cli1ee1:dd1:k0:ee"));
        assertThat(d.rawSpan("a")).isEqualTo(b("i-5e"));
        assertThat(d.rawSpan("b")).isEqualTo(b("3:xyz"));
        assertThat(d.rawSpan("c")).isEqualTo(b("li1ee"));
        assertThat(d.rawSpan("d")).isEqualTo(b("d1:k0:e"));
    }

    @Test
    void decodePrefixReturnsEndOffsetAndLeavesTrailingBytes() {
        // ut_metadata data message: dict followed by raw piece bytes
        byte[] msg = b("XXd8:msg_typei1e5:piecei0e10:total_sizei5eeHELLO");
        Bencode.Decoded d = Bencode.decodePrefix(msg, 2);
        assertThat(((BDict) d.value()).getLong("total_size")).isEqualTo(5);
        assertThat(d.end()).isEqualTo(msg.length - 5);
        assertThat(new String(msg, d.end(), 5, StandardCharsets.ISO_8859_1)).isEqualTo("HELLO");
        assertThatThrownBy(() -> Bencode.decodePrefix(msg, msg.length + 1)).isInstanceOf(BencodeException.class);
    }

    @Test
    void depthLimit() {
        String ok = "l".repeat(64) + "e".repeat(64);
        assertThat(Bencode.decode(b(ok))).isInstanceOf(List.class);
        String deep = "l".repeat(65) + "e".repeat(65);
        assertThatThrownBy(() -> Bencode.decode(b(deep))).isInstanceOf(BencodeException.class)
                .hasMessageContaining("nesting deeper than 64").hasMessageContaining("offset 64");
        // very deep input must not overflow the stack either
        assertThatThrownBy(() -> Bencode.decode(b("l".repeat(1_000_000)))).isInstanceOf(BencodeException.class);
    }

    @Test
    void stringLengthTotalSizeAndItemLimits() {
        BencodeLimits small = new BencodeLimits(8, 4, 20, 5);
        assertThat(Bencode.decode(b("4:abcd"), small)).isEqualTo(BString.of("abcd"));
        assertThatThrownBy(() -> Bencode.decode(b("5:abcde"), small)).hasMessageContaining("string length exceeds max 4");
        assertThatThrownBy(() -> Bencode.decode(b("l" + "i1e".repeat(7) + "e"), small))
                .hasMessageContaining("exceeds max total size 20");
        assertThatThrownBy(() -> Bencode.decode(b("li1ei1ei1ei1ei1ee"), small))
                .hasMessageContaining("more than 5 items").hasMessageContaining("offset 13");
        // total size applies to the consumed prefix too
        byte[] data = b("XXXl" + "i1e".repeat(10) + "e");
        assertThatThrownBy(() -> Bencode.decodePrefix(data, 3, new BencodeLimits(8, 4, 20, 100)))
                .hasMessageContaining("exceeds max total size 20");
    }

    @Test
    void hugeDeclaredStringIsRejectedWithoutAllocating() {
        Runtime rt = Runtime.getRuntime();
        // 2 GB declared, 10 bytes present; both limit paths must reject before allocating
        byte[] data = b("2147483647:0123456789");
        assertThatThrownBy(() -> Bencode.decode(data)).isInstanceOf(BencodeException.class)
                .hasMessageContaining("string length exceeds max");
        BencodeLimits permissive = new BencodeLimits(64, Integer.MAX_VALUE, Integer.MAX_VALUE, 100);
        long before = rt.totalMemory() - rt.freeMemory();
        for (int i = 0; i < 1000; i++) {
            assertThatThrownBy(() -> Bencode.decode(data, permissive)).isInstanceOf(BencodeException.class)
                    .hasMessageContaining("runs past end of input");
        }
        long after = rt.totalMemory() - rt.freeMemory();
        // 1000 x 2 GB allocations could not have happened in a 2 GB heap; growth stays far below one such string
        assertThat(after - before).isLessThan(256L * 1024 * 1024);
        assertThatThrownBy(() -> Bencode.decode(b("99999999999999999999:x"), permissive))
                .isInstanceOf(BencodeException.class);
    }

    @Test
    void encodesAcceptedTypesCanonically() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of("x", b("yz"), BString.of("w"), -3L));
        m.put("m", Map.of("k", new BDict().put("q", 0)));
        byte[] enc = Bencode.encode(m);
        assertThat(new String(enc, StandardCharsets.ISO_8859_1))
                .isEqualTo("d1:al1:x2:yz1:wi-3ee1:md1:kd1:qi0eee1:zi1ee");
        Object back = Bencode.decode(enc);
        assertThat(Bencode.encode(back)).isEqualTo(enc);
        assertThatThrownBy(() -> Bencode.encode(3.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Bencode.encode(Map.of(1, 2))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void binaryStringsAndLenientToString() {
        byte[] raw = {(byte) 0xff, (byte) 0xfe, 'a'};
        BString s = BString.of(raw);
        assertThat(s.bytes()).isEqualTo(raw);
        assertThat(s.isValidUtf8()).isFalse();
        assertThat(s.toString()).isEqualTo("\uFFFD\uFFFDa");
        assertThatThrownBy(s::utf8).isInstanceOf(BencodeException.class);
        assertThat(BString.of("a").compareTo(BString.of(new byte[] {(byte) 0x80}))).isNegative();
        byte[] enc = Bencode.encode(raw);
        assertThat(Bencode.decode(enc)).isEqualTo(s);
    }
}
