package io.jdib.image;

import io.jdib.sys.UserError;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the image config of a container output says besides its layer: platform, command, environment
 * and creation time. The same config is written into the OCI image and the docker archive.
 *
 * @param reference    the image's name and tag ({@code --docker-target})
 * @param architecture the OCI (Go) architecture, e.g. {@code amd64}, {@code arm64}, {@code arm}
 * @param variant      the CPU variant ({@code v7} for armhf), or null
 * @param entrypoint   {@code DIB_CONTAINER_ENTRYPOINT}; empty for none
 * @param cmd          {@code DIB_CONTAINER_CMD}; {@code /bin/bash} by default
 * @param env          {@code KEY=value} entries; a standard {@code PATH}
 * @param created      creation time written to the config ({@code SOURCE_DATE_EPOCH} when set), or null for none
 */
public record ContainerConfig(
        ImageReference reference,
        String architecture,
        String variant,
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        Instant created) {
    public static final String ENTRYPOINT_VARIABLE = "DIB_CONTAINER_ENTRYPOINT";
    public static final String CMD_VARIABLE = "DIB_CONTAINER_CMD";
    public static final List<String> DEFAULT_CMD = List.of("/bin/bash");
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ContainerConfig {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(architecture, "architecture");
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
    }

    /**
     * The config for a build: architecture from {@code debianArch} ({@code -a}), command and
     * entrypoint from the environment, created at {@code SOURCE_DATE_EPOCH} when set, else now (to the second).
     */
    public static ContainerConfig forBuild(
            ImageReference reference, String debianArch, Map<String, String> environment) {
        String epoch = environment.getOrDefault("SOURCE_DATE_EPOCH", "").trim();
        Instant created;
        try {
            created = epoch.isEmpty()
                    ? Instant.now().truncatedTo(ChronoUnit.SECONDS)
                    : Instant.ofEpochSecond(Long.parseLong(epoch));
        } catch (NumberFormatException e) {
            throw new UserError("SOURCE_DATE_EPOCH must be seconds since 1970, not '" + epoch + "'");
        }
        String[] platform = platform(debianArch);
        List<String> entrypoint = words(ENTRYPOINT_VARIABLE, environment.getOrDefault(ENTRYPOINT_VARIABLE, ""));
        String cmdText = environment.get(CMD_VARIABLE);
        List<String> cmd = cmdText == null ? DEFAULT_CMD : words(CMD_VARIABLE, cmdText);
        return new ContainerConfig(
                reference, platform[0], platform[1], entrypoint, cmd, List.of(DEFAULT_PATH), created);
    }

    /** Debian's architecture name (or DIB's kernel spelling) as the OCI architecture and variant. */
    static String[] platform(String debianArch) {
        return switch (debianArch) {
            case "amd64", "x86_64" -> new String[] {"amd64", null};
            case "arm64", "aarch64" -> new String[] {"arm64", null};
            case "armhf" -> new String[] {"arm", "v7"};
            case "armel" -> new String[] {"arm", "v5"};
            case "i386", "i686" -> new String[] {"386", null};
            case "ppc64el", "ppc64le" -> new String[] {"ppc64le", null};
            case "s390x", "riscv64" -> new String[] {debianArch, null};
            case "mips64el" -> new String[] {"mips64le", null};
            default ->
                throw new UserError(
                        "no container architecture is known for -a " + debianArch
                                + "; container outputs support amd64, arm64, armhf, armel, i386, ppc64el, s390x, riscv64, mips64el");
        };
    }

    /**
     * A command as the user wrote it: a JSON array ({@code ["/bin/sh","-c","echo hi"]}) taken as is,
     * otherwise words split at whitespace. Empty means none.
     */
    static List<String> words(String variable, String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            return List.of();
        }
        if (trimmed.startsWith("[")) {
            try {
                String[] parsed = ImageJson.MAPPER.readValue(trimmed, String[].class);
                return List.of(parsed);
            } catch (com.fasterxml.jackson.core.JsonProcessingException | NullPointerException e) {
                throw new UserError(variable + " looks like a JSON array but is not one of strings: " + trimmed
                        + "; write e.g. [\"/bin/sh\", \"-c\", \"echo hi\"] or plain words");
            }
        }
        return new ArrayList<>(List.of(trimmed.split("\\s+")));
    }
}
