package io.jdib.blockdevice.lvm;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * An LVM2 identifier: 32 characters from LVM's 64-character alphabet. On disk (the PV header) it
 * is the 32 bare characters; in text metadata it is grouped 6-4-4-4-4-4-6 with dashes.
 */
public record LvmId(String value) {

    static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#";
    static final int LENGTH = 32;
    private static final int[] GROUPS = {6, 4, 4, 4, 4, 4, 6};

    public LvmId {
        Objects.requireNonNull(value, "value");
        if (value.length() != LENGTH || !value.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            throw new IllegalArgumentException("not an LVM id: " + value);
        }
    }

    public static LvmId random(RandomGenerator random) {
        StringBuilder s = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return new LvmId(s.toString());
    }

    /** The dashed form text metadata and {@code pvs -o uuid} use. */
    public String formatted() {
        StringBuilder s = new StringBuilder(LENGTH + GROUPS.length - 1);
        int at = 0;
        for (int g : GROUPS) {
            if (at > 0) {
                s.append('-');
            }
            s.append(value, at, at + g);
            at += g;
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return formatted();
    }
}
