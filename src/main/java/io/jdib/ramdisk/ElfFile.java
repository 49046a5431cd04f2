package io.jdib.ramdisk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the dynamic loader needs to know about an ELF file, read from its program headers (so
 * stripped files work): 32 or 64 bit, either byte order.
 *
 * @param is64 ELFCLASS64
 * @param bigEndian ELFDATA2MSB
 * @param machine e_machine (62 x86-64, 3 i386, 183 aarch64, 40 arm, ...)
 * @param interpreter PT_INTERP, or null for a static file or a library
 * @param needed DT_NEEDED, in order
 * @param rpath DT_RPATH entries (split at ':'), unexpanded
 * @param runpath DT_RUNPATH entries, unexpanded
 * @param soname DT_SONAME, or null
 */
public record ElfFile(
        boolean is64,
        boolean bigEndian,
        int machine,
        String interpreter,
        List<String> needed,
        List<String> rpath,
        List<String> runpath,
        String soname) {

    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final int DT_NULL = 0;
    private static final int DT_NEEDED = 1;
    private static final int DT_STRTAB = 5;
    private static final int DT_STRSZ = 10;
    private static final int DT_SONAME = 14;
    private static final int DT_RPATH = 15;
    private static final int DT_RUNPATH = 29;
    private static final int PN_XNUM = 0xffff;

    public ElfFile {
        needed = List.copyOf(needed);
        rpath = List.copyOf(rpath);
        runpath = List.copyOf(runpath);
    }

    /** Whether a library of {@code other}'s kind can be loaded into a process of this kind. */
    public boolean compatibleWith(ElfFile other) {
        return is64 == other.is64 && bigEndian == other.bigEndian && machine == other.machine;
    }

    /** "64-bit LSB machine 62" and the like, for messages. */
    public String kind() {
        return (is64 ? "64" : "32") + "-bit " + (bigEndian ? "MSB" : "LSB") + " machine " + machine;
    }

    /**
     * Reads {@code file}; empty when it does not start with the ELF magic.
     *
     * @throws IOException when it cannot be read or is a truncated or malformed ELF file
     */
    public static Optional<ElfFile> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 16) {
                return Optional.empty();
            }
            ByteBuffer ident = readAt(ch, 0, 16, file);
            if (ident.get(0) != 0x7f || ident.get(1) != 'E' || ident.get(2) != 'L' || ident.get(3) != 'F') {
                return Optional.empty();
            }
            boolean is64 = switch (ident.get(4)) {
                case 1 -> false;
                case 2 -> true;
                default -> throw malformed(file, "unknown ELF class " + ident.get(4));
            };
            boolean big = switch (ident.get(5)) {
                case 1 -> false;
                case 2 -> true;
                default -> throw malformed(file, "unknown ELF data encoding " + ident.get(5));
            };
            ByteOrder order = big ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            ByteBuffer eh = readAt(ch, 0, is64 ? 64 : 52, file).order(order);
            int machine = Short.toUnsignedInt(eh.getShort(18));
            long phoff = is64 ? eh.getLong(32) : Integer.toUnsignedLong(eh.getInt(28));
            long shoff = is64 ? eh.getLong(40) : Integer.toUnsignedLong(eh.getInt(32));
            int phentsize = Short.toUnsignedInt(eh.getShort(is64 ? 54 : 42));
            int phnum = Short.toUnsignedInt(eh.getShort(is64 ? 56 : 44));
            if (phnum == PN_XNUM) {
                // The real count is in sh_info of section header 0.
                ByteBuffer sh0 = readAt(ch, shoff, is64 ? 64 : 40, file).order(order);
                phnum = sh0.getInt(is64 ? 44 : 28);
            }
            if (phnum == 0) {
                return Optional.of(new ElfFile(is64, big, machine, null, List.of(), List.of(), List.of(), null));
            }
            if (phentsize < (is64 ? 56 : 32) || phnum < 0 || phnum > 65536) {
                throw malformed(file, "bad program header table");
            }
            ByteBuffer ph = readAt(ch, phoff, (long) phentsize * phnum, file).order(order);

            List<long[]> loads = new ArrayList<>(); // {vaddr, offset, filesz}
            String interp = null;
            long dynOff = -1;
            long dynSize = 0;
            for (int i = 0; i < phnum; i++) {
                int b = i * phentsize;
                int type = ph.getInt(b);
                long off = is64 ? ph.getLong(b + 8) : Integer.toUnsignedLong(ph.getInt(b + 4));
                long vaddr = is64 ? ph.getLong(b + 16) : Integer.toUnsignedLong(ph.getInt(b + 8));
                long filesz = is64 ? ph.getLong(b + 32) : Integer.toUnsignedLong(ph.getInt(b + 16));
                switch (type) {
                    case PT_LOAD -> loads.add(new long[] {vaddr, off, filesz});
                    case PT_INTERP -> interp = cString(readAt(ch, off, filesz, file), 0);
                    case PT_DYNAMIC -> {
                        dynOff = off;
                        dynSize = filesz;
                    }
                    default -> {}
                }
            }

            List<String> needed = new ArrayList<>();
            List<String> rpath = new ArrayList<>();
            List<String> runpath = new ArrayList<>();
            String soname = null;
            if (dynOff >= 0) {
                ByteBuffer dyn = readAt(ch, dynOff, dynSize, file).order(order);
                int entSize = is64 ? 16 : 8;
                long strtab = -1;
                long strsz = -1;
                List<long[]> strRefs = new ArrayList<>(); // {tag, value}
                for (int p = 0; p + entSize <= dynSize; p += entSize) {
                    long tag = is64 ? dyn.getLong(p) : dyn.getInt(p);
                    long val = is64 ? dyn.getLong(p + 8) : Integer.toUnsignedLong(dyn.getInt(p + 4));
                    if (tag == DT_NULL) {
                        break;
                    }
                    if (tag == DT_STRTAB) {
                        strtab = val;
                    } else if (tag == DT_STRSZ) {
                        strsz = val;
                    } else if (tag == DT_NEEDED || tag == DT_RPATH || tag == DT_RUNPATH || tag == DT_SONAME) {
                        strRefs.add(new long[] {tag, val});
                    }
                }
                if (!strRefs.isEmpty()) {
                    if (strtab < 0 || strsz <= 0) {
                        throw malformed(file, "dynamic section without DT_STRTAB/DT_STRSZ");
                    }
                    long strOff = toOffset(loads, strtab, file);
                    ByteBuffer strings = readAt(ch, strOff, Math.min(strsz, fileSize - strOff), file);
                    for (long[] ref : strRefs) {
                        if (ref[1] >= strings.limit()) {
                            throw malformed(file, "string offset " + ref[1] + " outside DT_STRTAB");
                        }
                        String s = cString(strings, (int) ref[1]);
                        switch ((int) ref[0]) {
                            case DT_NEEDED -> needed.add(s);
                            case DT_RPATH -> rpath.addAll(splitPath(s));
                            case DT_RUNPATH -> runpath.addAll(splitPath(s));
                            case DT_SONAME -> soname = s;
                            default -> {}
                        }
                    }
                }
            }
            return Optional.of(new ElfFile(is64, big, machine, interp, needed, rpath, runpath, soname));
        }
    }

    private static List<String> splitPath(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(":")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    private static long toOffset(List<long[]> loads, long vaddr, Path file) throws IOException {
        for (long[] l : loads) {
            if (vaddr >= l[0] && vaddr < l[0] + l[2]) {
                return vaddr - l[0] + l[1];
            }
        }
        throw malformed(file, "address 0x" + Long.toHexString(vaddr) + " is in no PT_LOAD segment");
    }

    private static String cString(ByteBuffer buf, int start) {
        int end = start;
        while (end < buf.limit() && buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - start];
        buf.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static ByteBuffer readAt(FileChannel ch, long offset, long length, Path file) throws IOException {
        if (offset < 0 || length < 0 || length > (64 << 20) || offset + length > ch.size()) {
            throw malformed(file, "truncated (needs bytes " + offset + ".." + (offset + length) + ")");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                throw malformed(file, "truncated");
            }
        }
        return buf.flip();
    }

    private static IOException malformed(Path file, String why) {
        return new IOException("malformed ELF file " + file + ": " + why);
    }
}
