package io.hypergrad.common.outer;

/** Argument checks and small vector helpers shared by the transformations. */
final class Checks {
    private Checks() {
    }

    static void sameLength(double[] grad, double[] params) {
        if (grad.length != params.length) {
            throw new IllegalArgumentException("gradient has length " + grad.length + ", parameters "
                    + params.length);
        }
    }

    /** ‖x‖₂ without overflow or underflow for large or tiny entries (scaled sum of squares). */
    static double l2Norm(double[] x) {
        double scale = 0;
        for (double v : x) {
            scale = Math.max(scale, Math.abs(v));
        }
        if (scale == 0 || Double.isInfinite(scale) || Double.isNaN(scale)) {
            return scale;
        }
        double sum = 0;
        for (double v : x) {
            double q = v / scale;
            sum += q * q;
        }
        return scale * Math.sqrt(sum);
    }
}
