package io.jdib.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a compressed qcow2 is compressed ({@code qemu-img -o compression_type=}). zlib is qcow2's
 * original and what every reader takes; zstd compresses several times faster and a little smaller,
 * but needs a reader from QEMU 5.1 on (2020; Debian bullseye's qemu, OpenStack's with it).
 */
public enum Qcow2Compression {
    ZLIB,
    ZSTD;

    /** The environment variable that chooses it, as {@code --qcow2-compression} does. */
    public static final String VARIABLE = "DIB_QCOW2_COMPRESSION_TYPE";

    static final String OPTION = "compression_type";

    /** qemu-img's name for it. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code zlib} or {@code zstd}, any case. */
    public static Qcow2Compression parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (Qcow2Compression type : values()) {
            if (type.keyword().equals(v)) {
                return type;
            }
        }
        throw new DiskFormatError("'" + value + "' is not a qcow2 compression type; use zlib (read everywhere) or zstd"
                + " (faster; needs QEMU 5.1 or later to read)");
    }

    /**
     * {@code qemuImgOptions} (comma-separated, may be null) with {@code compression_type} set to this
     * type, replacing any value it had.
     */
    public String addTo(String qemuImgOptions) {
        List<String> options = new ArrayList<>();
        if (qemuImgOptions != null) {
            for (String option : DiskFormats.splitOptions(qemuImgOptions)) {
                if (!option.isBlank() && !DiskFormats.key(option).equals(OPTION)) {
                    options.add(option.strip());
                }
            }
        }
        options.add(OPTION + "=" + keyword());
        return String.join(",", options);
    }
}
