/*
 * Reference side of bench/lz4.sh: liblz4's LZ4_compress_HC_destSize (what mkfs.erofs -zlz4hc calls) on the same
 * files, cut the same way as shed's SegmentCompressor: 1 MiB segments, 4 KiB pclusters, a pcluster that would
 * not cover more than one block of input stored raw. Reads file paths from stdin, stops after MB megabytes.
 * Usage: liblz4-destsize LEVEL MB RUNS < paths
 */
#include <lz4hc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEGMENT (1 << 20)
#define BLOCK 4096

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s LEVEL MB RUNS < paths\n", argv[0]);
        return 2;
    }
    int level = atoi(argv[1]);
    long want = atol(argv[2]) << 20;
    int runs = atoi(argv[3]);
    size_t cap = 1024, n = 0;
    char **data = malloc(cap * sizeof *data);
    long *lengths = malloc(cap * sizeof *lengths);
    long total = 0;
    char path[4096];
    while (total < want && fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = 0;
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        if (size <= BLOCK || size > (64L << 20)) { fclose(f); continue; }
        if (n == cap) {
            cap *= 2;
            data = realloc(data, cap * sizeof *data);
            lengths = realloc(lengths, cap * sizeof *lengths);
        }
        data[n] = malloc(size);
        if (fread(data[n], 1, size, f) != (size_t) size) { fclose(f); free(data[n]); continue; }
        fclose(f);
        lengths[n++] = size;
        total += size;
    }
    void *state = malloc(LZ4_sizeofStateHC());
    char out[BLOCK];
    for (int run = 0; run < runs; run++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        long blocks = 0;
        for (size_t i = 0; i < n; i++) {
            for (long off = 0; off < lengths[i]; off += SEGMENT) {
                int len = lengths[i] - off < SEGMENT ? (int) (lengths[i] - off) : SEGMENT;
                const char *seg = data[i] + off;
                for (int pos = 0; pos < len; blocks++) {
                    int remaining = len - pos, consumed = 0;
                    if (remaining > BLOCK) {
                        int taken = remaining;
                        if (LZ4_compress_HC_destSize(state, seg + pos, out, &taken, BLOCK, level) > 0 && taken > BLOCK) {
                            consumed = taken;
                        }
                    }
                    pos += consumed ? consumed : (remaining < BLOCK ? remaining : BLOCK);
                }
            }
        }
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
        double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("liblz4 level %d: %zu files, %.1f MB in %.2fs cpu = %.1f MB/s per core, %ld blocks (%.4f)\n",
               level, n, total / 1e6, s, total / 1e6 / s, blocks, blocks * (double) BLOCK / total);
    }
    return 0;
}
