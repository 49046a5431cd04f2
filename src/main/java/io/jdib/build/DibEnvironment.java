package io.jdib.build;

import io.jdib.element.ElementResolution;
import io.jdib.image.OutputType;
import io.jdib.sys.UserError;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The variables DIB's disk-image-create always exports to hooks, in every phase, inside and
 * outside the chroot, with DIB's defaults where neither an option nor the caller's environment
 * set them. Elements written for DIB read these under {@code set -u}, so each must be present.
 */
public final class DibEnvironment {
    /** The name bash gives an exported function in the environment. */
    public static final String ELEMENT_ARRAY_FUNCTION = "BASH_FUNC_get_image_element_array%%";

    private static final Pattern CHECKSUM = Pattern.compile("0|1|md5|sha256|md5,sha256|sha256,md5|");
    private static final Pattern NAME_PART = Pattern.compile("[^A-Za-z0-9_]");

    private DibEnvironment() {}

    /**
     * Adds DIB's always-present variables to {@code env} (the caller's environment plus what the
     * options set), keeping any value already there. Invalid values the user can fix throw
     * {@link UserError}.
     */
    public static void addDefaults(
            Map<String, String> env, BuildSpec spec, ElementResolution resolution, String hostPython) {
        env.put("LC_ALL", "C");
        if (env.getOrDefault("DIB_DEFAULT_INSTALLTYPE", "").isEmpty()) {
            env.put("DIB_DEFAULT_INSTALLTYPE", "source");
        }
        env.put("DIB_CHECKSUM", checksum(env.get("DIB_CHECKSUM"), spec.disk().checksum()));
        env.put("DIB_NO_TMPFS", spec.useTmpfs() ? env.getOrDefault("DIB_NO_TMPFS", "0") : "1");
        env.put("DIB_MIN_TMPFS", Integer.toString(spec.minTmpfsGiB()));
        if (spec.imageSize() != null) {
            env.put("DIB_IMAGE_SIZE", spec.imageSize());
        }
        env.put(
                "DIB_IMAGE_EXTRA_SIZE",
                spec.imageExtraSize() == null ? env.getOrDefault("DIB_IMAGE_EXTRA_SIZE", "") : spec.imageExtraSize());
        env.putIfAbsent("DIB_MANIFEST_IMAGE_DIR", "/etc/dib-manifests");
        env.putIfAbsent("DIB_MANIFEST_SAVE_DIR", spec.imageNameString() + ".d/");
        env.put("DIB_PYTHON_EXEC", env.getOrDefault("DIB_PYTHON_EXEC", hostPython));
        env.putIfAbsent("FS_TYPE", "ext4");
        env.putIfAbsent(
                "IMAGE_TYPE",
                spec.types().isEmpty()
                        ? OutputType.DEFAULT.id()
                        : spec.types().get(0).id());
        env.put(
                "IMAGE_TYPES",
                spec.types().stream().map(OutputType::id).collect(java.util.stream.Collectors.joining(" ")));
        env.put("DIB_ARGS", String.join(" ", spec.arguments()));
        env.put(ELEMENT_ARRAY_FUNCTION, elementArrayFunction(resolution));
        env.put("DIB_ENV", declare(env));
    }

    /** --checksum, else DIB_CHECKSUM (0, 1, md5, sha256), else 0. */
    static String checksum(String fromEnv, boolean option) {
        if (option) {
            return "1";
        }
        String value = fromEnv == null ? "" : fromEnv.trim();
        if (!CHECKSUM.matcher(value).matches()) {
            throw new UserError("DIB_CHECKSUM=" + value + " is not understood; use 0, 1, md5 or sha256");
        }
        return value.isEmpty() ? "0" : value;
    }

    /**
     * The body of DIB's exported function {@code get_image_element_array}: it echoes
     * {@code [name]=path ...}, which {@code eval declare -A a=($(get_image_element_array))} turns
     * into an associative array.
     */
    static String elementArrayFunction(ElementResolution resolution) {
        StringBuilder pairs = new StringBuilder();
        for (ElementResolution.Resolved r : resolution.elements()) {
            pairs.append('[')
                    .append(r.name())
                    .append("]=")
                    .append(r.element().dir())
                    .append(' ');
        }
        return "() {  echo \""
                + pairs.toString()
                        .replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("$", "\\$")
                        .replace("`", "\\`") + "\"\n}";
    }

    /**
     * DIB_ENV: what {@code declare -p} prints for every DIB_ variable, one a line; a shell can
     * source it. Variables whose names suggest secrets are left out.
     */
    static String declare(Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("DIB_")
                    || name.equals("DIB_ENV")
                    || NAME_PART.matcher(name).find()
                    || isSecret(name)) {
                continue;
            }
            out.append("declare -x ")
                    .append(name)
                    .append("=\"")
                    .append(escape(e.getValue()))
                    .append("\"\n");
        }
        return out.toString().stripTrailing();
    }

    /** Names that look like they hold credentials: kept out of DIB_ENV and dib_environment. */
    public static boolean isSecret(String name) {
        return List.of("PASSWORD", "TOKEN", "SECRET").stream().anyMatch(name::contains);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\")
                .replace("\"", "\\\"")
                .replace("$", "\\$")
                .replace("`", "\\`");
    }
}
