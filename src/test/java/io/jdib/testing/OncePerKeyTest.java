package io.jdib.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What SharedBuilds relies on when integration-test classes ask for the same image at once. */
@Timeout(30)
class OncePerKeyTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Double> waits = new ArrayList<>();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private synchronized void waited(double seconds) {
        waits.add(seconds);
    }

    @Test
    void threadsAskingForTheSameKeyAtOnceGetOneComputation() throws Exception {
        OncePerKey<Object> once = new OncePerKey<>();
        AtomicInteger computed = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Object> first = threads.submit(() -> once.get(
                "minimal-vm",
                () -> {
                    computed.incrementAndGet();
                    started.countDown();
                    await(release);
                    return new Object();
                },
                this::waited));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<Object>> others = new ArrayList<>();
        CountDownLatch asking = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            others.add(threads.submit(() -> {
                asking.countDown();
                return once.get(
                        "minimal-vm",
                        () -> {
                            computed.incrementAndGet();
                            return new Object();
                        },
                        this::waited);
            }));
        }
        assertThat(asking.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);
        assertThat(others).noneMatch(Future::isDone); // they wait for the first
        release.countDown();

        Object value = first.get(10, TimeUnit.SECONDS);
        for (Future<Object> other : others) {
            assertThat(other.get(10, TimeUnit.SECONDS)).isSameAs(value);
        }
        assertThat(computed).hasValue(1);
        int told;
        synchronized (this) {
            // Each waiter that found the computation under way is told how long it waited (a thread
            // the scheduler held back until it was done finds the value and waits for nothing).
            assertThat(waits).isNotEmpty().hasSizeLessThanOrEqualTo(3).allMatch(s -> s > 0);
            told = waits.size();
        }
        // Asked again once it is there: the same value, no computation and no wait.
        assertThat(once.get("minimal-vm", () -> new Object(), this::waited)).isSameAs(value);
        assertThat(computed).hasValue(1);
        synchronized (this) {
            assertThat(waits).hasSize(told);
        }
    }

    @Test
    void aDifferentKeyDoesNotWaitForAComputationUnderWay() throws Exception {
        OncePerKey<String> once = new OncePerKey<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> slow = threads.submit(() -> once.get(
                "cloud-vm",
                () -> {
                    started.countDown();
                    await(release);
                    return "cloud";
                },
                this::waited));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        Future<String> other = threads.submit(() -> once.get("efi-vm", () -> "efi", this::waited));
        assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("efi");
        assertThat(slow).isNotDone();

        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("cloud");
    }

    @Test
    void aComputationThatThrowsIsForgottenAndTheNextAskerComputesAgain() throws Exception {
        OncePerKey<String> once = new OncePerKey<>();
        AtomicInteger computed = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> failing = threads.submit(() -> once.get(
                "minimal-vm",
                () -> {
                    computed.incrementAndGet();
                    started.countDown();
                    await(release);
                    throw new AssertionError("the class timed out");
                },
                this::waited));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Future<String> waiting = threads.submit(() -> once.get(
                "minimal-vm",
                () -> {
                    computed.incrementAndGet();
                    return "built by the waiter";
                },
                this::waited));
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        release.countDown();

        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("the class timed out");
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("built by the waiter");
        assertThat(computed).hasValue(2);
        assertThat(once.get("minimal-vm", () -> "third", this::waited)).isEqualTo("built by the waiter");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(20, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
