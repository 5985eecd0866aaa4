package org.sparkadadelta.optim;

/**
 * Receives the warnings Keras would emit as {@code UserWarning} (message text only, without the prefix).
 * The default logs them through {@link System.Logger}; tests and callers may collect them instead.
 */
@FunctionalInterface
public interface WarningListener {
    WarningListener LOG = message -> System.getLogger("org.sparkadadelta.optim")
            .log(System.Logger.Level.WARNING, message);

    void warn(String message);
}
