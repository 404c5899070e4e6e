package dev.shed.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLocksTest {
    @TempDir
    Path dir;

    @Test
    void exclusiveLockSerialisesThreads() throws Exception {
        FileLocks locks = new FileLocks(dir);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        for (int i = 0; i < 60; i++) {
            pool.submit(() -> {
                try (FileLocks.Held h = locks.exclusive("x")) {
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.sleep(1);
                    inside.decrementAndGet();
                }
                return null;
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(maxInside.get()).isEqualTo(1);
    }

    @Test
    void sharedHoldersOverlapAndBlockAnExclusiveOne() throws Exception {
        FileLocks locks = new FileLocks(dir);
        FileLocks other = new FileLocks(dir); // a second Store on the same root in this JVM
        CountDownLatch bothIn = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        for (FileLocks l : new FileLocks[] {locks, other}) {
            pool.submit(() -> {
                try (FileLocks.Held h = l.shared("gc")) {
                    bothIn.countDown();
                    release.await();
                }
                return null;
            });
        }
        assertThat(bothIn.await(10, TimeUnit.SECONDS)).as("two shared holders at once").isTrue();
        assertThat(locks.tryExclusive("gc")).as("exclusive refused while shared held").isEmpty();
        var exclusive = pool.submit(() -> {
            try (FileLocks.Held h = other.exclusive("gc")) {
                return System.nanoTime();
            }
        });
        Thread.sleep(100);
        assertThat(exclusive.isDone()).isFalse();
        long released = System.nanoTime();
        release.countDown();
        assertThat(exclusive.get(10, TimeUnit.SECONDS)).isGreaterThan(released);
        pool.shutdown();
        var h = locks.tryExclusive("gc");
        assertThat(h).isPresent();
        h.get().close();
    }

    @Test
    void differentNamesDoNotBlockEachOther() throws Exception {
        FileLocks locks = new FileLocks(dir);
        try (FileLocks.Held a = locks.exclusive("a")) {
            var b = locks.tryExclusive("b");
            assertThat(b).isPresent();
            b.get().close();
        }
    }
}
