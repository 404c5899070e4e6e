package dev.shed.erofs.data;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Where file data is appended as it arrives: the image's front region, or the spool. */
public interface DataTarget {
    /** Starts one file's data; returns the offset it will start at. */
    long begin() throws IOException;

    /** Appends all remaining bytes of {@code data}. */
    void append(ByteBuffer data) throws IOException;
}
