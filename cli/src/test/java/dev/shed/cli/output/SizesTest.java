package dev.shed.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SizesTest {
    /** The previous implementation, kept as the oracle. */
    private static String viaFormatter(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        String num = String.format(Locale.ROOT, "%.4g", v);
        if (num.contains(".")) num = num.replaceAll("0+$", "").replaceAll("\\.$", "");
        return num + units[u];
    }

    @Test
    void dockerStyleDecimalUnits() {
        assertThat(Sizes.human(0)).isEqualTo("0B");
        assertThat(Sizes.human(32)).isEqualTo("32B");
        assertThat(Sizes.human(2299)).isEqualTo("2.299kB");
        assertThat(Sizes.human(3_200_000_000L)).isEqualTo("3.2GB");
        assertThat(Sizes.human(123_456_789)).isEqualTo("123.5MB");
    }

    @Test
    void matchesFormatterOnManyValues() {
        Random r = new Random(7);
        for (int i = 0; i < 20000; i++) {
            long b = (long) Math.pow(10, r.nextDouble() * 15);
            assertThat(Sizes.human(b)).as("%d", b).isEqualTo(viaFormatter(b));
        }
        for (long b : new long[] {999, 1000, 9999, 99_995, 999_950, 999_949, 1_000_000}) {
            assertThat(Sizes.human(b)).as("%d", b).isEqualTo(viaFormatter(b));
        }
    }
}
