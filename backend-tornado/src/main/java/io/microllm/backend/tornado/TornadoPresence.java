package io.microllm.backend.tornado;

/**
 * Whether TornadoVM can run here, decided without loading any TornadoVM class: its API on the class or module
 * path, its runtime configured by {@code $TORNADOVM_HOME/tornado-argfile} (which the microllm launcher adds when
 * TORNADOVM_HOME is set), and bailout to plain Java switched off.
 */
final class TornadoPresence {
    private TornadoPresence() {}

    static final String BAILOUT = "tornado.recover.bailout";
    private static final String HINT = "set TORNADOVM_HOME to a TornadoVM SDK and start the JVM with "
            + "@$TORNADOVM_HOME/tornado-argfile (see README: TornadoVM)";

    /** Null when TornadoVM is usable, else the reason. */
    static String problem() {
        try {
            Class.forName("uk.ac.manchester.tornado.api.TornadoExecutionPlan", false, TornadoPresence.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return "TornadoVM not installed: its classes are not on the class or module path; " + HINT;
        }
        if (System.getProperty("tornado.load.runtime.implementation") == null) {
            return "TornadoVM not installed: its API is present but the JVM was not started with its argfile; " + HINT;
        }
        // With bailout on, a kernel that fails to compile runs as plain Java on the host copies of the heaps, which
        // are stale once ops run on the device: wrong answers instead of an error. TornadoVM reads the property once,
        // when it starts, which is after this point.
        String bailout = System.getProperty(BAILOUT);
        if (bailout == null) {
            System.setProperty(BAILOUT, "False");
        } else if (!bailout.equalsIgnoreCase("false")) {
            return "-D" + BAILOUT + "=" + bailout + " would let a kernel that fails to compile run as plain Java on stale "
                    + "host data; remove it or set it to False";
        }
        return null;
    }
}
