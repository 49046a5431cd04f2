package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import io.jdib.testing.SerialBoot;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iso element on one real ramdisk build ({@code debian-minimal jdib-test-ramdisk iso}), booted
 * from the ISO as a CD-ROM under QEMU (TCG) through isolinux (BIOS) and through shim and GRUB
 * (OVMF) until the ramdisk's init prints its marker. The same build's extra-data.d also uses
 * cache-url from a hook, against a server on 127.0.0.1.
 */
@Tag("integration")
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class IsoIT {
    private static final Duration BUILD = Duration.ofMinutes(20);
    private static final Duration BOOT = Duration.ofMinutes(6);

    @TempDir
    static Path dir;

    private static JdibProcess.Result build;
    private static Path iso;
    private static Path kernel;
    private static Path initramfs;
    private static HttpServer server;
    private static final List<String> cacheRequests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void buildRamdiskWithIso() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/payload.txt", ex -> {
            boolean conditional = ex.getRequestHeaders().containsKey("If-Modified-Since");
            cacheRequests.add(conditional ? "conditional" : "plain");
            ex.getResponseHeaders().set("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT");
            if (conditional) {
                ex.sendResponseHeaders(304, -1);
                ex.close();
                return;
            }
            byte[] body = "payload from the test server".getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();

        Map<String, String> env = new HashMap<>(Map.of(
                "ELEMENTS_PATH", JdibProcess.testElements().toString(),
                "JDIB_WORK_DIR", dir.resolve("work").toString(),
                "DIB_DEPLOY_ISO_KERNEL_CMDLINE_ARGS", "console=ttyS0",
                "JDIB_TEST_CACHE_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/payload.txt",
                "JDIB_TEST_CACHE_FILE",
                        dir.resolve("download-cache/payload.txt").toString()));
        Path out = dir.resolve("out/rd");
        long start = System.nanoTime();
        build = JdibProcess.run(
                BUILD,
                env,
                "ramdisk-image-create",
                "-o",
                out.toString(),
                "debian-minimal",
                "jdib-test-ramdisk",
                "jdib-test-cache-url",
                "iso");
        System.out.printf("IsoIT: ramdisk + iso build in %.1f s%n", (System.nanoTime() - start) / 1e9);
        iso = dir.resolve("out/rd.iso");
        kernel = dir.resolve("out/rd.kernel");
        initramfs = dir.resolve("out/rd.initramfs");
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    private void requireBuild() {
        assertThat(build.exitCode()).as(build.output()).isZero();
    }

    private static String sh(String script) {
        return HostState.run("/bin/bash", "-c", "set -eu -o pipefail; " + script + " 2>&1 || echo \"EXIT $?\"");
    }

    @Test
    void isoHoldsTheBuildsKernelAndRamdiskWithBiosAndUefiBootRecords() throws IOException {
        requireBuild();
        assertThat(build.output()).contains("iso: wrote " + iso);
        assertThat(iso).isRegularFile();
        System.out.printf(
                "IsoIT: rd.iso %d KiB (kernel %d KiB, initramfs %d KiB)%n",
                Files.size(iso) / 1024, Files.size(kernel) / 1024, Files.size(initramfs) / 1024);

        String torito = sh("xorriso -indev '" + iso + "' -report_el_torito plain");
        assertThat(torito)
                .containsPattern("El Torito boot img : +1 +BIOS +y +none")
                .containsPattern("El Torito boot img : +2 +UEFI +y +none")
                .contains("/isolinux/isolinux.bin")
                .contains("/boot/efiboot.img");
        assertThat(sh("xorriso -indev '" + iso + "' -pvd_info")).contains("Volume Id    : VMEDIA_BOOT_ISO");

        Path x = Files.createDirectories(dir.resolve("iso-files"));
        assertThat(sh("xorriso -osirrox on -indev '" + iso + "' -extract /vmlinuz '" + x + "/vmlinuz'"
                        + " -extract /initrd '" + x + "/initrd' -extract /isolinux/isolinux.cfg '" + x
                        + "/isolinux.cfg' -extract /boot/efiboot.img '" + x + "/efiboot.img'"))
                .doesNotContain("EXIT");
        assertThat(x.resolve("vmlinuz")).hasSameBinaryContentAs(kernel);
        assertThat(x.resolve("initrd")).hasSameBinaryContentAs(initramfs);
        assertThat(Files.readString(x.resolve("isolinux.cfg")))
                .contains("APPEND initrd=/initrd boot_method=vmedia console=ttyS0 --");
        // The EFI image: shim as the removable-media loader, GRUB beside it, a grub.cfg it reads.
        String efi = sh("mdir -/ -b -i '" + x.resolve("efiboot.img") + "' ::/");
        assertThat(efi)
                .contains("::/EFI/BOOT/BOOTX64.EFI")
                .contains("::/EFI/BOOT/grubx64.efi")
                .contains("::/EFI/debian/grub.cfg");
        assertThat(sh("mtype -i '" + x.resolve("efiboot.img") + "' ::/EFI/debian/grub.cfg"))
                .contains("search --no-floppy --set=root --label VMEDIA_BOOT_ISO")
                .contains("linux /vmlinuz boot_method=vmedia console=ttyS0 --");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
    }

    @Test
    void bootsFromCdromThroughIsolinux() throws IOException {
        requireBuild();
        SerialBoot.Result r = SerialBoot.boot(
                List.of("-cdrom", iso.toString()), dir.resolve("bios.console"), "JDIB-RAMDISK-MARKER", BOOT);
        assertThat(r.matched()).as(tail(r.console())).isTrue();
        System.out.printf("IsoIT: BIOS CD-ROM boot to JDIB-RAMDISK-MARKER in %.1f s%n", r.seconds());
        assertThat(r.console())
                .contains("ISOLINUX")
                .contains("Command line: BOOT_IMAGE=/vmlinuz initrd=/initrd boot_method=vmedia console=ttyS0")
                .contains("JDIB-RAMDISK-NET eth0 10.0.2.15/24")
                .doesNotContain("Kernel panic");
    }

    @Test
    void bootsFromCdromThroughShimAndGrubUnderOvmf() throws IOException {
        requireBuild();
        List<String> drives = new ArrayList<>(SerialBoot.ovmf(dir));
        drives.addAll(List.of("-cdrom", iso.toString()));
        SerialBoot.Result r = SerialBoot.boot(drives, dir.resolve("uefi.console"), "JDIB-RAMDISK-MARKER", BOOT);
        assertThat(r.matched()).as(tail(r.console())).isTrue();
        System.out.printf("IsoIT: UEFI CD-ROM boot to JDIB-RAMDISK-MARKER in %.1f s%n", r.seconds());
        assertThat(r.console())
                .contains("UEFI QEMU DVD-ROM")
                .contains("Command line: BOOT_IMAGE=/vmlinuz boot_method=vmedia console=ttyS0")
                .doesNotContain("ISOLINUX")
                .doesNotContain("Kernel panic");
    }

    @Test
    void cacheUrlFromABuildHookDownloadsOnceThenRevalidates() throws IOException {
        requireBuild();
        assertThat(cacheRequests).containsExactly("plain", "conditional");
        assertThat(build.output())
                .contains("cache-url: downloaded http://127.0.0.1:")
                .contains("not changed; using the cached copy")
                .contains("JDIB-TEST-CACHE-URL payload from the test server");
        assertThat(dir.resolve("download-cache/payload.txt")).hasContent("payload from the test server");
    }

    @Test
    void isoWithoutAKernelProducingElementSaysWhichToAdd() throws Exception {
        // The hook alone, as a build without ramdisk or baremetal would run it.
        Path hook = JdibProcess.home().resolve("elements/iso/cleanup.d/100-build-iso");
        ProcessBuilder pb = new ProcessBuilder(hook.toString()).redirectErrorStream(true);
        pb.environment().put("IMAGE_ELEMENT", "base debian-minimal iso vm");
        pb.environment().put("IMAGE_NAME", dir.resolve("out/noramdisk").toString());
        pb.environment().put("TARGET_ROOT", dir.resolve("no-tree").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(out).contains("iso: nothing to put on the ISO; use it with the ramdisk");
        assertThat(dir.resolve("out/noramdisk.iso")).doesNotExist();
    }

    private static String tail(String console) {
        return console.length() > 3000 ? console.substring(console.length() - 3000) : console;
    }
}
