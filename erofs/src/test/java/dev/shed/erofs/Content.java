package dev.shed.erofs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** Deterministic generated file content, produced page by page so any reader sees the same bytes. */
record Content(long size, long seed, Kind kind) {
    enum Kind { RANDOM, TEXT, ZEROS }

    private static final int PAGE = 4096;
    private static final String[] WORDS = ("lorem ipsum dolor sit amet erofs block inode cluster kernel "
            + "mount image layer shed tail packing compress\n").split(" ");

    static Content of(long size, long seed, Kind kind) {
        return new Content(size, seed, kind);
    }

    InputStream open() {
        return new InputStream() {
            private long pos;
            private long pageNo = -1;
            private final byte[] page = new byte[PAGE];

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) return -1;
                int n = (int) Math.min(len, size - pos);
                int done = 0;
                while (done < n) {
                    long p = (pos + done) / PAGE;
                    if (p != pageNo) fill(p);
                    int inPage = (int) ((pos + done) % PAGE);
                    int k = Math.min(n - done, PAGE - inPage);
                    System.arraycopy(page, inPage, b, off + done, k);
                    done += k;
                }
                pos += n;
                return n;
            }

            private void fill(long p) {
                pageNo = p;
                Random r = new Random(seed * 1_000_003L + p);
                switch (kind) {
                    case RANDOM -> r.nextBytes(page);
                    case TEXT -> {
                        int i = 0;
                        while (i < PAGE) {
                            byte[] w = (WORDS[r.nextInt(WORDS.length)] + (r.nextInt(4) == 0 ? r.nextInt(1000) : "") + " ").getBytes();
                            int k = Math.min(w.length, PAGE - i);
                            System.arraycopy(w, 0, page, i, k);
                            i += k;
                        }
                    }
                    case ZEROS -> {
                        java.util.Arrays.fill(page, (byte) 0);
                        if (p % 256 == 0) for (int i = 0; i < 8; i++) page[i] = (byte) r.nextInt();
                    }
                }
            }
        };
    }

    byte[] bytes() {
        try (InputStream in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String sha256() {
        try (InputStream in = open()) {
            return sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
