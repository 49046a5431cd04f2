package io.jdib.sys;

/**
 * The host cannot do what the build needs: a tool is missing, a mount or loop device was refused,
 * the kernel lacks a driver, the disk is full. The message says what to install, load or free.
 */
public class EnvironmentError extends JdibError {
    public EnvironmentError(String message) {
        super(message, null);
    }

    public EnvironmentError(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.ENVIRONMENT;
    }
}
