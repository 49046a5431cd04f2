package io.jdib.blockdevice;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.blockdevice.config.BlockDeviceConfig;
import io.jdib.blockdevice.config.ConfigDefaults;
import io.jdib.event.BuildEvent;
import io.jdib.testing.TreeSnapshot;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A root filesystem made by {@code mke2fs -d} holds the tree as a copy would: owners, modes (setuid,
 * sticky, setgid), hard links, symlinks, device nodes, fifos, extended attributes (a file
 * capability, an ACL, a user attribute) and holes.
 */
@Tag("integration")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TreeFillIT extends LoopTestSupport {

    @Test
    void theRootMadeFromTheTreeHoldsItExactly() {
        Path tree = tmp.resolve("tree");
        ok(
                "sh",
                "-ec",
                String.join(
                        "\n",
                        "mkdir -p \"$0\" && cd \"$0\"",
                        "mkdir -p etc usr/bin home/user dev tmp var/lib var/mail boot",
                        "printf 'setting=1\\n' > etc/conf && chgrp 42 etc/conf",
                        "printf '#!/bin/sh\\necho su\\n' > usr/bin/su && chmod 4755 usr/bin/su",
                        "ln usr/bin/su usr/bin/su-hardlink",
                        "printf 'secret\\n' > home/user/file && chmod 600 home/user/file && chown -R 1000:1000 home/user",
                        "chmod 2775 var/mail && chgrp 8 var/mail && chmod 1777 tmp",
                        "ln -s ../etc/conf var/lib/relative-link && ln -s /etc/conf var/lib/absolute-link",
                        "mknod dev/null c 1 3 && chmod 666 dev/null && mknod dev/loop7 b 7 7 && chgrp 6 dev/loop7",
                        "mkfifo var/lib/fifo",
                        "printf '#!/bin/sh\\n' > usr/bin/pinger && chmod 755 usr/bin/pinger",
                        "setcap cap_net_raw+ep usr/bin/pinger",
                        "setfacl -m u:1000:r etc/conf && setfacl -d -m g:42:rx var/lib",
                        "setfattr -n user.jdib -v kept etc/conf",
                        // 48 MiB apparent, one byte of data: the filesystem must not spend 48 MiB on it.
                        "truncate -s 48M var/lib/sparse && printf x | dd of=var/lib/sparse bs=1 seek=30000000"
                                + " conv=notrunc status=none"),
                tree.toString());
        SortedMap<String, String> expected = TreeSnapshot.of(tree);

        try (BlockDevice disk = BlockDevice.create(
                BlockDeviceConfig.defaultGraph(ConfigDefaults.dib()),
                options(128 * MIB).withRootContent(tree),
                ledger,
                events)) {
            SortedMap<String, String> onDisk = TreeSnapshot.of(mountRoot);
            // mke2fs makes these itself; the caller sets the root directory's owner and mode.
            onDisk.remove("lost+found");
            onDisk.remove(".");
            expected.remove(".");
            assertThat(TreeSnapshot.differences(expected, onDisk)).isEmpty();
            assertThat(allocated(mountRoot.resolve("var/lib/sparse")))
                    .as("a hole stays a hole")
                    .isLessThan(MIB);
            assertThat(events.ofType(BuildEvent.Info.class))
                    .extracting(BuildEvent.Info::message)
                    .anySatisfy(m -> assertThat(m).endsWith(", made from " + tree + " (mke2fs -d)"));
            Optional<Filesystem> root = disk.root();
            assertThat(root).hasValueSatisfying(fs -> assertThat(fs.mountedAt()).hasValue(mountRoot));
            disk.umount();
            disk.cleanup();
        }
    }

    @Test
    void aTreeThatDoesNotFitSaysSo() {
        Path tree = tmp.resolve("big");
        ok("sh", "-ec", "mkdir -p \"$0\" && head -c 80M /dev/urandom > \"$0/noise\"", tree.toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BlockDevice.create(
                                BlockDeviceConfig.defaultGraph(ConfigDefaults.dib()),
                                options(48 * MIB).withRootContent(tree),
                                ledger,
                                events)
                        .close())
                .isInstanceOf(BlockDeviceException.class)
                .hasMessageContaining("mkfs.ext4 for")
                .hasMessageContaining("and that " + tree + " fits in ");
    }
}
