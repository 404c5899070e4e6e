package dev.shed.core.vm.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A garbled guest listing is an I/O failure naming the entry (exit 1, "the guest's fault"), never a
 * NumberFormatException, which the CLI would report as bad user input (exit 2).
 */
class GuestListingTest {
    /** One `stat --printf` record per entry: name, raw mode (hex), uid, gid, size, mtime, major, minor, links, inode, %N. */
    private static byte[] stat(String... fields) {
        return (String.join("\0", fields) + "\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aWellFormedRecordParses() throws IOException {
        byte[] listing = stat("./etc/passwd", "81a4", "0", "0", "13", "1700000000.000000000", "0", "0", "1", "42", "'./etc/passwd'");
        assertThat(GuestListing.parse(listing, new byte[0], new byte[0]).get("etc/passwd").size()).isEqualTo(13);
    }

    @Test
    void aGarbledFieldNamesItsEntry() {
        byte[] listing = stat("./etc/passwd", "81a4", "0", "0", "1x3", "1700000000.000000000", "0", "0", "1", "42", "'./etc/passwd'");
        assertThatThrownBy(() -> GuestListing.parse(listing, new byte[0], new byte[0]))
                .isInstanceOf(IOException.class).hasMessageContaining("malformed stat fields for ./etc/passwd");
    }
}
