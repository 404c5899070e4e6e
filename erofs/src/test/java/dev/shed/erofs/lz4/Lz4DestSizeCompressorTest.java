package dev.shed.erofs.lz4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.junit.jupiter.api.Test;

/** The destSize contract, checked against an independent LZ4 decoder (lz4-java). */
class Lz4DestSizeCompressorTest {
    private final LZ4SafeDecompressor decoder = LZ4Factory.safeInstance().safeDecompressor();

    @Test
    void compressedPrefixDecodesExactly() {
        Random r = new Random(42);
        Lz4DestSizeCompressor c = new Lz4DestSizeCompressor(0);
        for (int round = 0; round < 300; round++) {
            int len = 1 + r.nextInt(200_000);
            byte[] src = new byte[len];
            int style = round % 3;
            if (style == 0) r.nextBytes(src);
            else if (style == 1) for (int i = 0; i < len; i++) src[i] = (byte) ("abcdefgh".charAt(r.nextInt(8)));
            else for (int i = 0; i < len; i += 1 + r.nextInt(5000)) src[i] = (byte) r.nextInt();
            int cap = 16 + r.nextInt(8192);
            byte[] dst = new byte[cap + 8];
            int off = r.nextInt(5);
            Lz4DestSizeCompressor.Result res = c.compress(src, off > len - 1 ? 0 : off, len - Math.min(off, len - 1), dst, 3, cap);
            int srcOff = off > len - 1 ? 0 : off;
            assertThat(res.produced()).isLessThanOrEqualTo(cap);
            byte[] out = new byte[res.consumed()];
            int n = decoder.decompress(dst, 3, res.produced(), out, 0, out.length);
            assertThat(n).isEqualTo(res.consumed());
            assertThat(out).isEqualTo(Arrays.copyOfRange(src, srcOff, srcOff + res.consumed()));
        }
    }
}
