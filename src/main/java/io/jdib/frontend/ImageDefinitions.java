package io.jdib.frontend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads image definition files into the images they define, merged as DIB's {@code diskimage-builder}
 * merges them: the files' entries are taken as one list; an entry without {@code imagename} belongs
 * to the image of the entry before it ({@code image} for the first); entries of one image are merged
 * in order, lists extended, mappings updated, single values replaced. Images keep the order of their
 * first entry.
 */
public final class ImageDefinitions {
    /** DIB's name for an image whose entries give none. */
    public static final String DEFAULT_NAME = "image";

    private ImageDefinitions() {}

    /** The images {@code files} define, checked; the first problem is a {@link DefinitionError}. */
    public static List<ImageDefinition> load(List<Path> files) {
        List<DefinitionReader.Entry> entries = new ArrayList<>();
        for (Path file : files) {
            entries.addAll(DefinitionReader.read(text(file), file.toString()));
        }
        return merge(entries);
    }

    /** The images one file's {@code text} defines; {@code file} is the name errors give. */
    public static List<ImageDefinition> parse(String text, String file) {
        return merge(DefinitionReader.read(text, file));
    }

    static List<ImageDefinition> merge(List<DefinitionReader.Entry> entries) {
        Map<String, ImageDefinition.Merger> byName = new LinkedHashMap<>();
        String previous = DEFAULT_NAME;
        for (DefinitionReader.Entry entry : entries) {
            Value named = entry.values().get(ImageKey.IMAGENAME);
            String name = named == null ? previous : ((Value.Scalar) named).text();
            previous = name;
            byName.computeIfAbsent(name, n -> new ImageDefinition.Merger(n, entry.at()))
                    .add(entry.values());
        }
        List<ImageDefinition> images = new ArrayList<>();
        for (ImageDefinition.Merger merger : byName.values()) {
            ImageDefinition image = merger.build();
            check(image);
            images.add(image);
        }
        return images;
    }

    /** What only the merged image can show: it has elements, and each key suits its command. */
    private static void check(ImageDefinition image) {
        boolean hasElements = image.value(ImageKey.ELEMENTS)
                .map(v -> !((Value.Items) v).items().isEmpty())
                .orElse(false);
        if (!hasElements) {
            throw new DefinitionError(
                    image.at(),
                    "image '" + image.name() + "' has no elements",
                    "add 'elements: [...]' naming at least an operating-system element, e.g. debian-minimal");
        }
        for (Map.Entry<ImageKey, Value> e : image.values().entrySet()) {
            ImageKey key = e.getKey();
            if (key.scope() == ImageKey.Scope.DISK && image.ramdisk()) {
                throw new DefinitionError(
                        e.getValue().at(),
                        "'" + key.key() + "' does not apply to image '" + image.name()
                                + "', a ramdisk (ramdisk-image-create writes NAME.kernel and NAME.initramfs)",
                        "remove it, or build a disk image (ramdisk: false)");
            }
            if (key.scope() == ImageKey.Scope.RAMDISK && !image.ramdisk()) {
                throw new DefinitionError(
                        e.getValue().at(),
                        "'" + key.key() + "' applies only to ramdisks, and image '" + image.name() + "' is not one",
                        "add 'ramdisk: true', or remove it");
            }
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new io.jdib.sys.UserError("image definition file " + file + " does not exist");
        } catch (IOException e) {
            throw new io.jdib.sys.UserError("cannot read image definition file " + file + ": " + e.getMessage());
        }
    }
}
