package io.jdib.testing;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

/**
 * A value computed once per key, however many threads ask for it at once: the first computes, the
 * others wait for its result. Threads asking for different keys do not wait for each other. A
 * computation that throws (its thread gave up) is forgotten, so the next thread to ask computes it
 * again; one that returns, whatever it returns, is kept.
 */
public final class OncePerKey<V> {
    private final Map<String, CompletableFuture<V>> values = new ConcurrentHashMap<>();

    /**
     * The value of {@code key}, computed by {@code compute} if no thread has or is computing it;
     * {@code waited} is told how many seconds this thread waited when it waited for another's.
     */
    public V get(String key, Supplier<V> compute, DoubleConsumer waited) {
        while (true) {
            CompletableFuture<V> mine = new CompletableFuture<>();
            CompletableFuture<V> theirs = values.putIfAbsent(key, mine);
            if (theirs == null) {
                try {
                    V value = compute.get();
                    mine.complete(value);
                    return value;
                } catch (RuntimeException | Error e) {
                    values.remove(key, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
            boolean underWay = !theirs.isDone();
            long start = System.nanoTime();
            try {
                V value = theirs.get();
                if (underWay) {
                    waited.accept((System.nanoTime() - start) / 1e9);
                }
                return value;
            } catch (ExecutionException e) {
                // The thread computing it gave up; ask again (and maybe compute it here).
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + key, e);
            }
        }
    }
}
