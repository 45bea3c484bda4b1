package io.maskwatch.model.training;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * PyTorch's CPU kernels use OpenMP, whose worker threads spin while waiting. On a machine shared
 * with other work that spinning steals the cores the other threads need: training on 2 busy cores
 * measured 6 img/s with the default policy and 27 img/s with {@code OMP_WAIT_POLICY=PASSIVE}.
 * OpenMP reads the variable when PyTorch's native library loads, so it is set in this process
 * before DJL starts its engine, unless the user set it.
 */
final class OpenMpSettings {
    private OpenMpSettings() {
    }

    private interface CLib extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /** @return the policy in effect: the user's, or PASSIVE when it could be set */
    static String preferPassiveWaiting() {
        String current = System.getenv("OMP_WAIT_POLICY");
        if (current != null) {
            return current;
        }
        try {
            CLib c = Native.load("c", CLib.class);
            return c.setenv("OMP_WAIT_POLICY", "PASSIVE", 0) == 0 ? "PASSIVE" : "default";
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return "default";
        }
    }
}
