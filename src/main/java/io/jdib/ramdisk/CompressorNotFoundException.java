package io.jdib.ramdisk;

import java.io.IOException;

/** A compression needs a host program that is not installed. */
public final class CompressorNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String program;
    private final String debianPackage;

    public CompressorNotFoundException(String program, String debianPackage, String searchPath) {
        super("'" + program + "' not found on PATH (" + searchPath + "); install the Debian package '"
                + debianPackage + "' (apt-get install " + debianPackage + ") or choose another"
                + " ramdisk compression");
        this.program = program;
        this.debianPackage = debianPackage;
    }

    public String program() {
        return program;
    }

    public String debianPackage() {
        return debianPackage;
    }
}
