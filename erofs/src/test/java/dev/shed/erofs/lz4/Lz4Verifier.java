package dev.shed.erofs.lz4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/** Compresses with destSize semantics and checks the block with three independent decoders. */
final class Lz4Verifier {
    private Lz4Verifier() {}

    private static final LZ4SafeDecompressor JAVA = LZ4Factory.safeInstance().safeDecompressor();
    /** The JNI decoder is the reference C LZ4_decompress_safe, the closest thing to the kernel's decoder. */
    static final LZ4SafeDecompressor NATIVE = loadNative();

    private static LZ4SafeDecompressor loadNative() {
        try {
            return LZ4Factory.nativeInstance().safeDecompressor();
        } catch (Throwable t) {
            System.err.println("lz4-java native decompressor unavailable: " + t);
            return null;
        }
    }

    private static final int GUARD = 37;
    private static final byte SENTINEL = (byte) 0xA5;

    /** Returns the result after asserting round-trip correctness and that nothing outside the window was written. */
    static Lz4DestSizeCompressor.Result check(Lz4DestSizeCompressor c, byte[] src, int off, int len, int cap) {
        byte[] dst = new byte[GUARD + cap + GUARD];
        Arrays.fill(dst, SENTINEL);
        Lz4DestSizeCompressor.Result res = c.compress(src, off, len, dst, GUARD, cap);
        String ctx = "level=" + c.level() + " len=" + len + " cap=" + cap + " -> " + res;
        assertThat(res.produced()).as(ctx).isBetween(0, cap);
        assertThat(res.consumed()).as(ctx).isBetween(0, len);
        for (int i = 0; i < GUARD; i++) {
            assertThat(dst[i]).as(ctx + " guard before").isEqualTo(SENTINEL);
        }
        for (int i = GUARD + res.produced(); i < dst.length; i++) {
            assertThat(dst[i]).as(ctx + " wrote past produced at " + (i - GUARD)).isEqualTo(SENTINEL);
        }
        if (cap == 0) {
            assertThat(res).isEqualTo(new Lz4DestSizeCompressor.Result(0, 0));
            return res;
        }
        byte[] expected = Arrays.copyOfRange(src, off, off + res.consumed());
        // Output buffers sized exactly to the consumed length make the decoders enforce end-of-block rules.
        byte[] out = new byte[res.consumed() + 3];
        int n = Lz4BlockDecompressor.decompress(dst, GUARD, res.produced(), out, 3, res.consumed());
        assertThat(n).as(ctx + " own decoder").isEqualTo(res.consumed());
        assertThat(Arrays.copyOfRange(out, 3, 3 + n)).as(ctx + " own decoder bytes").isEqualTo(expected);

        byte[] out2 = new byte[res.consumed()];
        int n2 = JAVA.decompress(dst, GUARD, res.produced(), out2, 0, res.consumed());
        assertThat(n2).as(ctx + " lz4-java safe").isEqualTo(res.consumed());
        assertThat(out2).as(ctx + " lz4-java safe bytes").isEqualTo(expected);

        if (NATIVE != null) {
            byte[] out3 = new byte[res.consumed()];
            int n3 = NATIVE.decompress(dst, GUARD, res.produced(), out3, 0, res.consumed());
            assertThat(n3).as(ctx + " lz4 native").isEqualTo(res.consumed());
            assertThat(out3).as(ctx + " lz4 native bytes").isEqualTo(expected);
        }
        if (res.consumed() < len) {
            // Output was the limit, so it must be (nearly) full: at most one byte lost to length-byte rounding.
            assertThat(res.produced()).as(ctx + " output not filled").isGreaterThanOrEqualTo(cap - 1);
        }
        return res;
    }
}
