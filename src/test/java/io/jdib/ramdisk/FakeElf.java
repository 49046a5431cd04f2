package io.jdib.ramdisk;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds minimal ELF files (headers, PT_INTERP, PT_DYNAMIC, .dynstr) of any class and byte order. */
final class FakeElf {
    boolean is64 = true;
    boolean bigEndian;
    int machine = 62;
    String interp;
    final List<String> needed = new ArrayList<>();
    String rpath;
    String runpath;
    String soname;

    static FakeElf of(boolean is64, boolean bigEndian, int machine) {
        FakeElf f = new FakeElf();
        f.is64 = is64;
        f.bigEndian = bigEndian;
        f.machine = machine;
        return f;
    }

    FakeElf interp(String s) {
        interp = s;
        return this;
    }

    FakeElf needs(String... names) {
        needed.addAll(List.of(names));
        return this;
    }

    FakeElf rpath(String s) {
        rpath = s;
        return this;
    }

    FakeElf runpath(String s) {
        runpath = s;
        return this;
    }

    FakeElf soname(String s) {
        soname = s;
        return this;
    }

    byte[] build() {
        int ehsize = is64 ? 64 : 52;
        int phentsize = is64 ? 56 : 32;
        int phnum = interp != null ? 3 : 2;
        long base = 0x10000;
        int interpOff = ehsize + phentsize * phnum;
        byte[] interpBytes = interp == null ? new byte[0] : (interp + "\0").getBytes(StandardCharsets.UTF_8);

        ByteArrayOutputStream strtab = new ByteArrayOutputStream();
        strtab.write(0);
        List<long[]> dyn = new ArrayList<>();
        for (String n : needed) {
            dyn.add(new long[] {1, add(strtab, n)});
        }
        if (rpath != null) {
            dyn.add(new long[] {15, add(strtab, rpath)});
        }
        if (runpath != null) {
            dyn.add(new long[] {29, add(strtab, runpath)});
        }
        if (soname != null) {
            dyn.add(new long[] {14, add(strtab, soname)});
        }
        int strOff = align(interpOff + interpBytes.length, 8);
        byte[] str = strtab.toByteArray();
        int dynOff = align(strOff + str.length, 8);
        dyn.add(new long[] {5, base + strOff});
        dyn.add(new long[] {10, str.length});
        dyn.add(new long[] {0, 0});
        int dynEnt = is64 ? 16 : 8;
        int total = dynOff + dyn.size() * dynEnt;

        ByteBuffer b = ByteBuffer.allocate(total).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (bigEndian ? 2 : 1), 1, 0});
        b.position(16);
        b.putShort((short) (interp != null ? 2 : 3));
        b.putShort((short) machine);
        b.putInt(1);
        if (is64) {
            b.putLong(0).putLong(ehsize).putLong(0).putInt(0);
        } else {
            b.putInt(0).putInt(ehsize).putInt(0).putInt(0);
        }
        b.putShort((short) ehsize)
                .putShort((short) phentsize)
                .putShort((short) phnum)
                .putShort((short) (is64 ? 64 : 40))
                .putShort((short) 0)
                .putShort((short) 0);
        b.position(ehsize);
        phdr(b, 1, 0, base, total);
        if (interp != null) {
            phdr(b, 3, interpOff, base + interpOff, interpBytes.length);
        }
        phdr(b, 2, dynOff, base + dynOff, dyn.size() * dynEnt);
        b.position(interpOff);
        b.put(interpBytes);
        b.position(strOff);
        b.put(str);
        b.position(dynOff);
        for (long[] d : dyn) {
            if (is64) {
                b.putLong(d[0]).putLong(d[1]);
            } else {
                b.putInt((int) d[0]).putInt((int) d[1]);
            }
        }
        return b.array();
    }

    private void phdr(ByteBuffer b, int type, long off, long vaddr, long size) {
        if (is64) {
            b.putInt(type)
                    .putInt(4)
                    .putLong(off)
                    .putLong(vaddr)
                    .putLong(vaddr)
                    .putLong(size)
                    .putLong(size)
                    .putLong(8);
        } else {
            b.putInt(type)
                    .putInt((int) off)
                    .putInt((int) vaddr)
                    .putInt((int) vaddr)
                    .putInt((int) size)
                    .putInt((int) size)
                    .putInt(4)
                    .putInt(4);
        }
    }

    private static int add(ByteArrayOutputStream strtab, String s) {
        int at = strtab.size();
        strtab.writeBytes((s + "\0").getBytes(StandardCharsets.UTF_8));
        return at;
    }

    private static int align(int v, int a) {
        return (v + a - 1) / a * a;
    }
}
