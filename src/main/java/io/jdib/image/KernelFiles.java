package io.jdib.image;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Kernels and their initrds in a boot directory, as distributions name them: {@code vmlinuz-VERSION}
 * (or {@code vmlinux-}, {@code bzImage-}) with {@code initrd.img-VERSION} (Debian),
 * {@code initramfs-VERSION.img} (Red Hat) or {@code initrd-VERSION} (SUSE).
 */
public final class KernelFiles {
    private static final List<String> KERNEL_PREFIXES = List.of("vmlinuz-", "vmlinux-", "bzImage-");

    /** One kernel, its version and its initrd if there is one. */
    public record Kernel(String version, Path kernel, Optional<Path> initrd) {}

    /** Orders versions as {@code sort -V} does: digit runs by value, other runs by text. */
    public static final Comparator<String> VERSION_ORDER = KernelFiles::compareVersions;

    private KernelFiles() {}

    /** Every kernel in {@code bootDir} (regular files or links to them), oldest version first. */
    public static List<Kernel> find(Path bootDir) throws IOException {
        List<Kernel> found = new ArrayList<>();
        if (!Files.isDirectory(bootDir)) {
            return found;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(bootDir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                for (String prefix : KERNEL_PREFIXES) {
                    if (name.startsWith(prefix)
                            && name.length() > prefix.length()
                            && isFile(p)
                            && !name.endsWith(".old")
                            && !name.endsWith(".sig")) {
                        String version = name.substring(prefix.length());
                        found.add(new Kernel(version, p, initrd(bootDir, version)));
                    }
                }
            }
        }
        found.sort(Comparator.comparing(Kernel::version, VERSION_ORDER));
        return found;
    }

    /** The kernel with the highest version in {@code bootDir}. */
    public static Optional<Kernel> newest(Path bootDir) throws IOException {
        List<Kernel> all = find(bootDir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    private static Optional<Path> initrd(Path bootDir, String version) {
        for (String name : List.of(
                "initrd.img-" + version,
                "initramfs-" + version + ".img",
                "initrd-" + version,
                "initrd-" + version + ".img")) {
            Path p = bootDir.resolve(name);
            if (isFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static boolean isFile(Path p) {
        // A link must stay inside the image to be followed; relative links within /boot are the usual case.
        if (Files.isSymbolicLink(p)) {
            try {
                Path target = Files.readSymbolicLink(p);
                if (target.isAbsolute()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return Files.isRegularFile(p) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }

    static int compareVersions(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            boolean da = Character.isDigit(a.charAt(i));
            boolean db = Character.isDigit(b.charAt(j));
            int ei = run(a, i, da);
            int ej = run(b, j, db);
            int c;
            if (da && db) {
                String x = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
                String y = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
                c = x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
            } else if (da != db) {
                c = da ? 1 : -1;
            } else {
                c = a.substring(i, ei).compareTo(b.substring(j, ej));
            }
            if (c != 0) {
                return c;
            }
            i = ei;
            j = ej;
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static int run(String s, int from, boolean digits) {
        int k = from;
        while (k < s.length() && Character.isDigit(s.charAt(k)) == digits) {
            k++;
        }
        return k;
    }
}
