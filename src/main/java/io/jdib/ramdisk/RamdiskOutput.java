package io.jdib.ramdisk;

import io.jdib.event.EventSink;
import io.jdib.image.DiskFormats;
import io.jdib.image.OutputRecipe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The recipe of the {@code ramdisk} output: {@code NAME.kernel} and {@code NAME.initramfs}
 * ({@link RamdiskImage}), with their checksums when asked, written from the finished tree after
 * finalise.d. As in DIB they exist when cleanup.d runs (the iso element makes its ISO from them
 * there).
 */
public final class RamdiskOutput implements OutputRecipe {
    /** The step's name in the build's timings. */
    public static final String STEP = "write ramdisk";

    private final Path imageName;
    private final Map<String, String> environment;
    private final List<RamdiskImage.Source> sources;
    private final boolean checksums;
    private final EventSink events;
    private final Consumer<Path> partial;
    private final List<Path> outputs = new ArrayList<>();

    /**
     * {@code imageName} is the {@code -o} path without extension, {@code environment} holds the
     * DIB_RAMDISK_* settings, {@code partial} learns each file written under a temporary name.
     */
    public RamdiskOutput(
            Path imageName,
            Map<String, String> environment,
            List<RamdiskImage.Source> sources,
            boolean checksums,
            EventSink events,
            Consumer<Path> partial) {
        this.imageName = imageName;
        this.environment = environment;
        this.sources = List.copyOf(sources);
        this.checksums = checksums;
        this.events = events;
        this.partial = partial;
    }

    @Override
    public List<Step> beforeCleanup() {
        return List.of(new Step(STEP, this::write));
    }

    private void write(FinalTree tree) {
        List<Path> written =
                RamdiskImage.write(imageName, environment, sources, tree.root(), tree.work(), events, partial);
        outputs.addAll(written);
        if (checksums) {
            for (Path output : written) {
                outputs.addAll(DiskFormats.writeChecksums(output));
            }
        }
    }

    @Override
    public List<Path> outputs() {
        return List.copyOf(outputs);
    }
}
