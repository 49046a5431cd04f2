package io.jdib.sys;

/** A host program jdib needs is not installed; says which Debian package provides it. */
public final class MissingToolError extends EnvironmentError {
    public MissingToolError(String tool, String debianPackage) {
        super(tool + " is not installed; install it with: apt-get install " + debianPackage);
    }
}
