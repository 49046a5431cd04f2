package io.jdib.ramdisk;

import java.nio.file.Path;
import java.util.List;

/**
 * An executable, its loader or a library it needs is not in the tree. The message is one line:
 * who asked (the context, e.g. the element), which file needed what, and where it was looked for.
 */
public final class MissingDependencyException extends io.jdib.sys.UserError {
    private static final long serialVersionUID = 1L;

    private final String context;
    private final String file;
    private final String needed;
    private final transient List<String> searched;
    private final transient Path root;

    /**
     * @param context who asked, e.g. "element ironic-python-agent (binary-deps.d)"
     * @param file the tree path of the file that needs {@code needed}, or null when
     *     {@code needed} is an executable asked for directly
     * @param needed the executable, interpreter or library name that was not found
     * @param searched the tree directories or paths looked in, in order
     * @param skipped candidates that exist but were unusable (wrong ELF class/machine), with why
     * @param root the tree
     */
    public MissingDependencyException(
            String context, String file, String needed, List<String> searched, List<String> skipped, Path root) {
        super(message(context, file, needed, searched, skipped, root));
        this.context = context;
        this.file = file;
        this.needed = needed;
        this.searched = List.copyOf(searched);
        this.root = root;
    }

    private static String message(
            String context, String file, String needed, List<String> searched, List<String> skipped, Path root) {
        StringBuilder m = new StringBuilder();
        m.append(context).append(": ");
        if (file == null) {
            m.append("executable '").append(needed).append("' not found");
        } else {
            m.append(file).append(" needs ").append(needed).append(", not found");
        }
        m.append(" in tree ").append(root).append(" (looked in ").append(String.join(", ", searched));
        if (!skipped.isEmpty()) {
            m.append("; skipped ").append(String.join(", ", skipped));
        }
        return m.append(')').toString();
    }

    public String context() {
        return context;
    }

    /** The file that needed something, or null when an executable itself is missing. */
    public String file() {
        return file;
    }

    public String needed() {
        return needed;
    }

    public List<String> searched() {
        return searched;
    }

    public Path root() {
        return root;
    }
}
