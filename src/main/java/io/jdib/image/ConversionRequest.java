package io.jdib.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to make of one finished raw image: {@code NAME.ext} for each format, next to {@code name}.
 *
 * @param rawImage      the raw disk image (a file; may be sparse)
 * @param name          the output name without extension ({@code -o NAME}); outputs are {@code NAME.ext}
 * @param formats       the formats wanted, each once, in the order given ({@code -t}); at least one
 * @param compress      compress qcow2 ({@code qemu-img convert -c}); DIB's default, off with {@code -u}
 * @param qemuImgOptions extra {@code -o} options for every qemu-img conversion ({@code --qemu-img-options}),
 *                      or null
 * @param checksum      also write {@code NAME.ext.sha256} and {@code NAME.ext.md5} ({@code --checksum})
 * @param consumeSource the raw image may be moved to {@code NAME.raw} instead of copied, when raw is wanted
 * @param parallelWrites let qemu-img write qcow2 clusters out of order ({@code -W}): faster on several
 *                      cores, but the file's bytes (not its content) differ from run to run
 * @param compression   how qcow2 is compressed; wins over a {@code compression_type} in
 *                      {@code qemuImgOptions}; null: as those options say (qemu-img's default, zlib)
 */
public record ConversionRequest(
        Path rawImage,
        Path name,
        List<DiskFormat> formats,
        boolean compress,
        String qemuImgOptions,
        boolean checksum,
        boolean consumeSource,
        boolean parallelWrites,
        Qcow2Compression compression) {

    public ConversionRequest {
        Objects.requireNonNull(rawImage, "rawImage");
        Objects.requireNonNull(name, "name");
        List<DiskFormat> unique = new ArrayList<>();
        for (DiskFormat format : formats) {
            if (!unique.contains(Objects.requireNonNull(format, "format"))) {
                unique.add(format);
            }
        }
        if (unique.isEmpty()) {
            throw new IllegalArgumentException("no disk format requested");
        }
        formats = List.copyOf(unique);
        if (qemuImgOptions != null) {
            qemuImgOptions = qemuImgOptions.trim();
            if (qemuImgOptions.isEmpty()) {
                qemuImgOptions = null;
            } else if (qemuImgOptions.chars().anyMatch(Character::isWhitespace)) {
                throw new DiskFormatError("--qemu-img-options must be key=value pairs separated by commas,"
                        + " without spaces: '" + qemuImgOptions + "'");
            }
        }
    }

    /** DIB's defaults: compressed qcow2, no extra options, no checksums, the raw image kept. */
    public static ConversionRequest of(Path rawImage, Path name, List<DiskFormat> formats) {
        return new ConversionRequest(rawImage, name, formats, true, null, false, false, true, null);
    }

    public ConversionRequest withCompress(boolean value) {
        return new ConversionRequest(
                rawImage, name, formats, value, qemuImgOptions, checksum, consumeSource, parallelWrites, compression);
    }

    public ConversionRequest withQemuImgOptions(String value) {
        return new ConversionRequest(
                rawImage, name, formats, compress, value, checksum, consumeSource, parallelWrites, compression);
    }

    public ConversionRequest withChecksum(boolean value) {
        return new ConversionRequest(
                rawImage, name, formats, compress, qemuImgOptions, value, consumeSource, parallelWrites, compression);
    }

    public ConversionRequest withConsumeSource(boolean value) {
        return new ConversionRequest(
                rawImage, name, formats, compress, qemuImgOptions, checksum, value, parallelWrites, compression);
    }

    public ConversionRequest withParallelWrites(boolean value) {
        return new ConversionRequest(
                rawImage, name, formats, compress, qemuImgOptions, checksum, consumeSource, value, compression);
    }

    public ConversionRequest withCompression(Qcow2Compression value) {
        return new ConversionRequest(
                rawImage, name, formats, compress, qemuImgOptions, checksum, consumeSource, parallelWrites, value);
    }

    /** The {@code -o} options the qcow2 conversion gets beyond jdib's defaults, compression type included; or null. */
    String qcow2Options() {
        return compression == null ? qemuImgOptions : compression.addTo(qemuImgOptions);
    }

    /** Where the output of {@code format} goes: {@code NAME.ext}. */
    public Path target(DiskFormat format) {
        return name.resolveSibling(name.getFileName() + "." + format.extension());
    }

    void validate() {
        if (!Files.isRegularFile(rawImage)) {
            throw new DiskFormatError("raw image " + rawImage + " does not exist or is not a file");
        }
    }
}
