package io.jdib.chroot;

import io.jdib.hook.Hook;
import io.jdib.hook.HookRunner;
import io.jdib.sys.EnvironmentError;
import io.jdib.sys.Exec;
import io.jdib.sys.Ledger;
import io.jdib.sys.Mounts;
import io.jdib.sys.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A root tree made ready for hooks to run inside: /proc, /dev, /dev/pts and a read-only /sys mounted,
 * the hook tree bound read-only at /tmp/in_target.d, the host's resolv.conf lent, and services kept
 * from starting. {@link #close()} gives everything back.
 */
public final class Chroot implements AutoCloseable {
    public static final String IN_TARGET = "/tmp/in_target.d";
    /** DIB's name: a hook that writes /etc/resolv.conf.ORIG sets the resolv.conf the image keeps. */
    private static final String RESOLV_BACKUP = "etc/resolv.conf.ORIG";

    private static final String POLICY = "usr/sbin/policy-rc.d";
    private static final String POLICY_BACKUP = "usr/sbin/policy-rc.d.jdib-orig";

    private final Path root;
    private final List<Ledger.Entry> mounts = new ArrayList<>();
    private boolean resolvLent;
    private boolean policyWritten;

    /** An extra directory bound into the chroot (such as a package cache). */
    public record Bind(Path hostDir, String insidePath, boolean readOnly) {}

    private Chroot(Path root) {
        this.root = root;
    }

    public static Chroot enter(Path root, Path hookTree, List<Bind> binds, Mounts mountOwner) {
        if (!Files.isDirectory(root.resolve("bin"), LinkOption.NOFOLLOW_LINKS)
                && !Files.isSymbolicLink(root.resolve("bin"))) {
            throw new UserError(
                    root + " does not look like a root filesystem (no /bin); did root.d populate $TARGET_ROOT?");
        }
        Chroot chroot = new Chroot(root);
        try {
            chroot.mount(mountOwner, hookTree, binds);
            chroot.lendResolvConf();
            chroot.blockServices();
        } catch (RuntimeException e) {
            chroot.close();
            throw e;
        }
        return chroot;
    }

    private void mount(Mounts owner, Path hookTree, List<Bind> binds) {
        mounts.add(owner.mount("proc", "proc", dir("proc"), null));
        mounts.add(owner.bind(Path.of("/dev"), dir("dev"), false));
        mounts.add(owner.bind(Path.of("/dev/pts"), dir("dev/pts"), false));
        mounts.add(owner.mount("sysfs", "sysfs", dir("sys"), "ro,nosuid,nodev,noexec"));
        mounts.add(owner.bind(hookTree, dir(IN_TARGET.substring(1)), true));
        for (Bind bind : binds) {
            mounts.add(owner.bind(bind.hostDir(), dir(bind.insidePath().replaceFirst("^/", "")), bind.readOnly()));
        }
    }

    private Path dir(String relative) {
        Path dir = root.resolve(relative);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private void lendResolvConf() {
        Path resolv = root.resolve("etc/resolv.conf");
        Path host = Path.of("/etc/resolv.conf");
        try {
            if (Files.exists(resolv, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(resolv, root.resolve(RESOLV_BACKUP), StandardCopyOption.REPLACE_EXISTING);
            }
            resolvLent = true;
            Files.createDirectories(resolv.getParent());
            if (Files.exists(host)) {
                Files.copy(host, resolv, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.writeString(resolv, "");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void giveBackResolvConf() throws IOException {
        Path resolv = root.resolve("etc/resolv.conf");
        Files.deleteIfExists(resolv);
        Path backup = root.resolve(RESOLV_BACKUP);
        if (Files.exists(backup, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(backup, resolv);
        }
    }

    /** Debian's invoke-rc.d asks policy-rc.d; exit 101 means "do not start services". */
    private void blockServices() {
        Path policy = root.resolve(POLICY);
        try {
            Files.createDirectories(policy.getParent());
            if (Files.exists(policy, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(policy, root.resolve(POLICY_BACKUP), StandardCopyOption.REPLACE_EXISTING);
            }
            policyWritten = true;
            Files.writeString(
                    policy,
                    "#!/bin/sh\n# Written by jdib while building: no services start in the chroot.\nexit 101\n");
            Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void unblockServices() throws IOException {
        Path policy = root.resolve(POLICY);
        Files.deleteIfExists(policy);
        Path backup = root.resolve(POLICY_BACKUP);
        if (Files.exists(backup, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(backup, policy);
        }
    }

    /** Starts hooks inside this chroot with a clean environment (the phase's own). */
    public HookRunner.Launcher launcher(Path hookTree) {
        return (Hook hook, Map<String, String> env) -> {
            Map<String, String> inside = new TreeMap<>(env);
            inside.put("TMP_HOOKS_PATH", IN_TARGET);
            inside.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:" + IN_TARGET + "/bin");
            inside.remove("TMPDIR");
            String relative = hookTree.relativize(hook.path()).toString();
            List<String> argv = new ArrayList<>(List.of("chroot", root.toString(), "/usr/bin/env", "-i"));
            inside.forEach((k, v) -> argv.add(k + "=" + v));
            argv.addAll(List.of("/bin/bash", IN_TARGET + "/" + HookRunner.wrapperPath(), IN_TARGET + "/" + relative));
            return Exec.Command.of(argv);
        };
    }

    /** Runs one command inside the chroot, for jdib's own steps (not hooks). */
    public Exec.Result run(List<String> command) {
        List<String> argv = new ArrayList<>(List.of("chroot", root.toString()));
        argv.addAll(command);
        return Exec.capture(Exec.Command.of(argv));
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            if (policyWritten) {
                unblockServices();
            }
            if (resolvLent) {
                giveBackResolvConf();
            }
        } catch (IOException e) {
            failure = new UncheckedIOException(e);
        }
        for (int i = mounts.size() - 1; i >= 0; i--) {
            try {
                mounts.get(i).undo();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        mounts.clear();
        if (!Mounts.mountedUnder(root.resolve("proc")).isEmpty()
                || !Mounts.mountedUnder(root.resolve("dev")).isEmpty()) {
            throw new EnvironmentError("could not unmount everything under " + root + "; see findmnt");
        }
        try {
            Files.deleteIfExists(root.resolve(IN_TARGET.substring(1)));
        } catch (IOException e) {
            // A hook left files in the mount point's directory; harmless and kept for inspection.
        }
        if (failure != null) {
            throw failure;
        }
    }
}
