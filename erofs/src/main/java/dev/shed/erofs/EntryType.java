package dev.shed.erofs;

/** The kinds of filesystem object an EROFS image can hold. */
public enum EntryType {
    FILE, DIRECTORY, SYMLINK, HARDLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO, SOCKET
}
