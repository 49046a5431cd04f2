package io.jdib.ramdisk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Picks kernel modules for a ramdisk from one kernel's module directory of a tree
 * ({@code /lib/modules/VERSION}): the wanted modules and everything {@code modules.dep} says they
 * need. Module names match with {@code -} and {@code _} taken as equal, as modprobe does.
 */
public final class KernelModules {

    /**
     * Drivers for the disks and network cards of common virtual and physical machines, and the
     * filesystems a deploy ramdisk usually touches.
     */
    public static final List<String> DEFAULT = List.of(
            // virtual machines
            "virtio_pci",
            "virtio_blk",
            "virtio_scsi",
            "virtio_net",
            "virtio_console",
            "virtio_rng",
            "vmxnet3",
            "vmw_pvscsi",
            "hv_netvsc",
            "hv_storvsc",
            "xen_netfront",
            "xen_blkfront",
            // disks and controllers
            "ahci",
            "ata_piix",
            "nvme",
            "sd_mod",
            "sr_mod",
            "sg",
            "megaraid_sas",
            "mpt3sas",
            "hpsa",
            "smartpqi",
            "aacraid",
            "xhci_pci",
            "ehci_pci",
            "usb_storage",
            "uas",
            // network cards
            "e1000",
            "e1000e",
            "igb",
            "igbvf",
            "ixgbe",
            "ixgbevf",
            "i40e",
            "iavf",
            "ice",
            "bnxt_en",
            "tg3",
            "bnx2",
            "bnx2x",
            "r8169",
            "mlx4_en",
            "mlx5_core",
            "qede",
            "sfc",
            "be2net",
            // filesystems
            "ext4",
            "xfs",
            "vfat",
            "iso9660");

    /**
     * What was chosen.
     *
     * @param files module files to copy, relative to the module directory
     *     ({@code kernel/drivers/net/virtio_net.ko}), dependencies included
     * @param builtin wanted modules that are built into the kernel (nothing to copy)
     * @param missing wanted modules this kernel has neither as a file nor built in
     */
    public record Selection(SortedSet<String> files, List<String> builtin, List<String> missing) {
        public Selection {
            files = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(files));
            builtin = List.copyOf(builtin);
            missing = List.copyOf(missing);
        }
    }

    private KernelModules() {}

    /**
     * @param modulesDir the tree's {@code lib/modules/VERSION}, with {@code modules.dep}
     * @throws IOException when {@code modules.dep} is missing or unreadable
     */
    public static Selection select(Path modulesDir, Collection<String> wanted) throws IOException {
        Path depFile = modulesDir.resolve("modules.dep");
        if (!Files.isRegularFile(depFile)) {
            throw new IOException("no modules.dep in " + modulesDir + " (was depmod run for this kernel?)");
        }
        Map<String, List<String>> deps = new HashMap<>();
        Map<String, String> byName = new HashMap<>();
        for (String line : Files.readAllLines(depFile, StandardCharsets.UTF_8)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String file = line.substring(0, colon).strip();
            List<String> needs = new ArrayList<>();
            for (String d : line.substring(colon + 1).strip().split("\\s+")) {
                if (!d.isEmpty()) {
                    needs.add(d);
                }
            }
            deps.put(file, needs);
            byName.put(name(file), file);
        }
        Set<String> builtinNames = new HashSet<>();
        Path builtinFile = modulesDir.resolve("modules.builtin");
        if (Files.isRegularFile(builtinFile)) {
            for (String line : Files.readAllLines(builtinFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    builtinNames.add(name(line.strip()));
                }
            }
        }
        SortedSet<String> files = new TreeSet<>();
        List<String> builtin = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>();
        for (String w : wanted) {
            String n = normalize(w);
            String file = byName.get(n);
            if (file != null) {
                todo.add(file);
            } else if (builtinNames.contains(n)) {
                builtin.add(w);
            } else {
                missing.add(w);
            }
        }
        while (!todo.isEmpty()) {
            String file = todo.poll();
            if (files.add(file)) {
                todo.addAll(deps.getOrDefault(file, List.of()));
            }
        }
        return new Selection(files, builtin, missing);
    }

    /** The module name of a module file path: base name without {@code .ko[.xz|.zst|.gz]}, {@code -} as {@code _}. */
    static String name(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        return normalize(ko >= 0 ? base.substring(0, ko) : base);
    }

    static String normalize(String module) {
        return module.strip().replace('-', '_').toLowerCase(Locale.ROOT);
    }
}
