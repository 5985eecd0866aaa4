package org.sparkadadelta.optim;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Keras's automatic names: {@code adadelta}, then {@code adadelta_1}, {@code adadelta_2}, ... per process. */
public final class KerasNames {
    private static final ConcurrentHashMap<String, AtomicInteger> COUNTERS = new ConcurrentHashMap<>();

    private KerasNames() {
    }

    public static String unique(String base) {
        int n = COUNTERS.computeIfAbsent(base, k -> new AtomicInteger()).getAndIncrement();
        return n == 0 ? base : base + "_" + n;
    }
}
