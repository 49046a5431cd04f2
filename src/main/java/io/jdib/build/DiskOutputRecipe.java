package io.jdib.build;

import io.jdib.image.ConversionRequest;
import io.jdib.image.ConvertedImage;
import io.jdib.image.DiskFormat;
import io.jdib.image.DiskFormats;
import io.jdib.image.OutputRecipe;
import io.jdib.image.OutputType;
import io.jdib.image.TarOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recipe of the disk outputs (qcow2, raw, vhd, vmdk, vhdx): it makes the disk image first
 * ({@link #create()}, before pre-finalise.d) and copies the tree into it, so that the finishing
 * phases run on the disk's mounted tree; after cleanup.d it finishes the disk (unmounts, shrinks)
 * and converts the raw image to each format. Closing it undoes what {@link DiskImage} still holds.
 */
final class DiskOutputRecipe implements OutputRecipe, AutoCloseable {
    static final String CREATE = "create disk";
    static final String FINISH = "finish disk";
    static final String CONVERT = "convert disk image";

    private final BuildContext ctx;
    private final List<Path> outputs = new ArrayList<>();
    private DiskImage disk;
    private FinalTree tree;
    private Path raw;

    DiskOutputRecipe(BuildContext ctx) {
        this.ctx = ctx;
    }

    /** The step that makes the disk and mounts it; the phases after it run on {@link #tree()}. */
    Step create() {
        return new Step(CREATE, built -> {
            disk = DiskImage.create(ctx.spec(), ctx.graph(), built.root(), built.work(), ctx.ledger(), ctx.events());
            Map<String, String> env = new TreeMap<>(built.environment());
            env.putAll(disk.environment());
            env.put("TARGET_ROOT", disk.mountRoot().toString());
            env.put("TMP_MOUNT_PATH", disk.mountRoot().toString());
            tree = new FinalTree(disk.mountRoot(), built.work(), env, true);
        });
    }

    /** The disk's mounted tree, once {@link #create()} ran; null before. */
    FinalTree tree() {
        return tree;
    }

    @Override
    public List<Step> afterCleanup() {
        return List.of(new Step(FINISH, t -> raw = disk.finish()), new Step(CONVERT, t -> convert()));
    }

    private void convert() {
        BuildSpec spec = ctx.spec();
        List<DiskFormat> formats = spec.types().stream()
                .filter(OutputType::isDisk)
                .map(OutputType::diskFormat)
                .toList();
        ConversionRequest request = ConversionRequest.of(raw, spec.imageName(), formats)
                .withCompress(!spec.disk().uncompressed())
                .withQemuImgOptions(spec.disk().qemuImgOptions())
                .withCompression(spec.disk().qcow2Compression())
                .withChecksum(spec.disk().checksum())
                .withConsumeSource(true);
        formats.forEach(f -> ctx.partialOutputs().add(TarOutput.partial(request.target(f))));
        OldOutputs.keep(formats.stream().map(request::target).toList(), spec.environment(), ctx.events());
        new DiskFormats(ctx.events(), ctx.ledger())
                .convert(request).outputs().stream().map(ConvertedImage::path).forEach(outputs::add);
    }

    @Override
    public List<Path> outputs() {
        return List.copyOf(outputs);
    }

    @Override
    public void close() {
        if (disk != null) {
            disk.close();
        }
    }
}
