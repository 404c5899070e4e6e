package dev.shed.erofs.lz4;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Deterministic test inputs. */
final class TestData {
    private TestData() {}

    private static byte[] text;

    /** ~2 MiB of real text: Java sources from the JDK's src.zip, else files under /usr/share, else synthetic. */
    static synchronized byte[] text() {
        if (text == null) {
            text = loadText(2 << 20);
        }
        return text;
    }

    private static byte[] loadText(int want) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(want);
        Path srcZip = Paths.get(System.getProperty("java.home"), "lib", "src.zip");
        if (Files.isRegularFile(srcZip)) {
            try (ZipFile zip = new ZipFile(srcZip.toFile())) {
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements() && out.size() < want) {
                    ZipEntry e = entries.nextElement();
                    if (e.getName().startsWith("java.base/java/util/") && e.getName().endsWith(".java")) {
                        try (InputStream in = zip.getInputStream(e)) {
                            in.transferTo(out);
                        }
                    }
                }
            } catch (IOException ignored) {
                out.reset();
            }
        }
        if (out.size() < want) {
            try (Stream<Path> files = Files.walk(Paths.get("/usr/share/common-licenses"))) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(p) && out.size() < want) {
                        out.write(Files.readAllBytes(p));
                    }
                }
            } catch (IOException ignored) {
                // fall through to synthetic text
            }
        }
        Random r = new Random(42);
        String[] words = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ", "\n", "int ", "return "};
        while (out.size() < want) {
            byte[] w = words[r.nextInt(words.length)].getBytes();
            out.write(w, 0, w.length);
        }
        return out.toByteArray();
    }

    static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Mix of short random runs and copies of earlier data at random distances: LZ-friendly. */
    static byte[] compressible(Random r, int n) {
        byte[] b = new byte[n];
        int i = 0;
        while (i < n) {
            int run = 1 + r.nextInt(r.nextBoolean() ? 8 : 300);
            if (i > 16 && r.nextInt(3) > 0) {
                int dist = 1 + r.nextInt(Math.min(i, r.nextBoolean() ? 64 : 70000));
                for (int k = 0; k < run && i < n; k++, i++) {
                    b[i] = b[i - dist];
                }
            } else {
                for (int k = 0; k < run && i < n; k++, i++) {
                    b[i] = (byte) ('a' + r.nextInt(4));
                }
            }
        }
        return b;
    }

    static byte[] textSlice(Random r, int n) {
        byte[] t = text();
        byte[] b = new byte[n];
        int pos = 0;
        while (pos < n) {
            int from = r.nextInt(t.length);
            int k = Math.min(n - pos, t.length - from);
            System.arraycopy(t, from, b, pos, k);
            pos += k;
        }
        return b;
    }
}
