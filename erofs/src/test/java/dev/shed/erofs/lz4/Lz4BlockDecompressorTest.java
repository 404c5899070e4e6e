package dev.shed.erofs.lz4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Lz4BlockDecompressorTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void decodesHandWrittenBlock() {
        // "abcd" + match(offset 4, len 8) + 5 literals "efghi": 1 + 4 literals, offset, then 5 literals.
        byte[] block = bytes(0x44, 'a', 'b', 'c', 'd', 4, 0, 0x50, 'e', 'f', 'g', 'h', 'i');
        byte[] out = new byte[17];
        int n = Lz4BlockDecompressor.decompress(block, 0, block.length, out, 0, out.length);
        assertThat(new String(out, 0, n)).isEqualTo("abcdabcdabcdefghi");
    }

    @Test
    void rejectsMalformedBlocks() {
        byte[] out = new byte[64];
        assertThatThrownBy(() -> Lz4BlockDecompressor.decompress(new byte[0], 0, 0, out, 0, 64))
                .isInstanceOf(IllegalArgumentException.class); // empty
        assertThatThrownBy(() -> Lz4BlockDecompressor.decompress(bytes(0x30, 'a', 'b'), 0, 3, out, 0, 64))
                .isInstanceOf(IllegalArgumentException.class); // literals truncated
        assertThatThrownBy(() -> Lz4BlockDecompressor.decompress(bytes(0x10, 'a', 9, 0, 0x50, 1, 2, 3, 4, 5), 0, 10, out, 0, 64))
                .isInstanceOf(IllegalArgumentException.class); // offset before start
        assertThatThrownBy(() -> Lz4BlockDecompressor.decompress(bytes(0x10, 'a', 0, 0, 0x50, 1, 2, 3, 4, 5), 0, 10, out, 0, 64))
                .isInstanceOf(IllegalArgumentException.class); // offset 0
        assertThatThrownBy(() -> Lz4BlockDecompressor.decompress(bytes(0xF0, 255, 255), 0, 3, out, 0, 64))
                .isInstanceOf(IllegalArgumentException.class); // truncated length bytes
        assertThatThrownBy(() -> Lz4BlockDecompressor.decompress(bytes(0x50, 1, 2, 3, 4, 5), 0, 6, out, 0, 4))
                .isInstanceOf(IllegalArgumentException.class); // output too small
        assertThatThrownBy(() -> Lz4BlockDecompressor.decompress(bytes(0x14, 'a', 1, 0), 0, 4, out, 0, 64))
                .isInstanceOf(IllegalArgumentException.class); // ends with a match
        // Match ending 4 bytes before the end (last 5 bytes must be literals).
        assertThatThrownBy(() -> Lz4BlockDecompressor.decompress(bytes(0x18, 'a', 1, 0, 0x40, 1, 2, 3, 4), 0, 9, out, 0, 64))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fuzzedInputOnlyEverThrowsIllegalArgument() {
        Random r = new Random(17);
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(0);
        byte[] out = new byte[1 << 16];
        for (int i = 0; i < 3000; i++) {
            byte[] data = TestData.compressible(r, 1 + r.nextInt(5000));
            byte[] block = new byte[6000];
            int len = c.compress(data, 0, data.length, block, 0, block.length).produced();
            int flips = 1 + r.nextInt(3);
            for (int k = 0; k < flips; k++) {
                block[r.nextInt(len)] ^= (byte) (1 << r.nextInt(8));
            }
            int cut = r.nextInt(4) == 0 ? r.nextInt(len + 1) : len;
            try {
                int n = Lz4BlockDecompressor.decompress(block, 0, cut, out, 0, r.nextInt(out.length));
                assertThat(n).isBetween(0, out.length);
            } catch (IllegalArgumentException expected) {
                // fine: malformed
            }
        }
    }
}
