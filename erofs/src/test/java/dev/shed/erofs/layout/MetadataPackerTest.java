package dev.shed.erofs.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetadataPackerTest {

    @Test
    void recordsFillHolesWithoutOverlappingOrCrossingBlocks() {
        MetadataPacker p = new MetadataPacker(1152);
        Random r = new Random(7);
        List<long[]> placed = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < 5000; i++) {
            int size = r.nextInt(10) == 0 ? 4097 + r.nextInt(9000) : 32 + r.nextInt(4064);
            long at = p.place(size);
            assertThat(at % 32).isZero();
            assertThat(at).isGreaterThanOrEqualTo(1152);
            if (size <= 4096) assertThat(at / 4096).isEqualTo((at + size - 1) / 4096);
            else assertThat(at % 4096).isZero();
            placed.add(new long[] {at, at + size});
            total += size;
        }
        placed.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < placed.size(); i++) assertThat(placed.get(i)[0]).isGreaterThanOrEqualTo(placed.get(i - 1)[1]);
        assertThat(p.end()).isGreaterThanOrEqualTo(placed.get(placed.size() - 1)[1]);
        // Sequential placement would waste about half a record per block; best fit stays close to the total.
        assertThat((double) p.end()).isLessThan(total * 1.10 + 1152);
    }

    @Test
    void smallRecordGoesIntoTheFullestBlockThatHasRoom() {
        MetadataPacker p = new MetadataPacker(0);
        assertThat(p.place(4000)).isEqualTo(0);          // block 0: 96 free
        assertThat(p.place(3000)).isEqualTo(4096);       // block 1: 1096 free
        assertThat(p.place(64)).isEqualTo(4000);         // fits block 0's 96 bytes: fullest with room
        assertThat(p.place(64)).isEqualTo(4096 + 3008);  // block 0 is full now
    }
}
