package io.jdib.cli;

import io.jdib.sys.UserError;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Commands whose feature is not built yet: they say so instead of doing something half right. */
final class NotYetCommand {
    private NotYetCommand() {
    }

    @Command(name = "ramdisk-image-create", mixinStandardHelpOptions = true,
            description = "Build a kernel + initramfs pair (not supported yet).")
    static final class RamdiskImageCreate implements Callable<Integer> {
        @picocli.CommandLine.Unmatched
        List<String> args;

        @Override
        public Integer call() {
            throw new UserError("ramdisk-image-create is not supported yet in this version of jdib");
        }
    }

    @Command(name = "disk-image-get-kernel", mixinStandardHelpOptions = true,
            description = "Extract the kernel and ramdisk from an image (not supported yet).")
    static final class DiskImageGetKernel implements Callable<Integer> {
        @picocli.CommandLine.Unmatched
        List<String> args;

        @Override
        public Integer call() {
            throw new UserError("disk-image-get-kernel is not supported yet in this version of jdib");
        }
    }
}
