// The initial Meta-Weight-Net weighting network against its 0.1 floor: its output over per-example losses
// 0..5 for seeds 0, 1, 2 (with λ initialised exactly as a run of conf/mwn-fashion.conf does). Run from the
// project root (it reads conf/mwn-fashion.conf and the Fashion-MNIST data):
//   java -cp "driver/target/hypergrad.jar:driver/target/lib/*" deploy/examples/MwnWeightingInit.java
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.nn.*;
import io.hypergrad.common.problems.*;
public class MwnWeightingInit {
    public static void main(String[] a) throws Exception {
        RunConfig c = RunConfig.of(io.hypergrad.shaded.config.ConfigFactory.parseFile(new java.io.File("conf/mwn-fashion.conf")))
                .with("hypergrad.data.dir", System.getProperty("user.home") + "/.cache/hypergrad/data");
        MetaProblem p = ProblemFactory.create(c);
        ParamLayout lay = p.layout();
        for (ParamLayout.Entry e : lay.entries()) if (e.role() == Role.HYPER) System.out.println(e.name() + " offset " + e.offset() + " size " + e.size());
        for (long seed : new long[] {0, 1, 2}) {
            double[] l = p.initialLambda(seed);
            int w1 = lay.entries().stream().filter(e -> e.name().equals("wnet1/W")).findFirst().get().offset();
            int b1 = lay.entries().stream().filter(e -> e.name().equals("wnet1/b")).findFirst().get().offset();
            int w2 = lay.entries().stream().filter(e -> e.name().equals("wnet2/W")).findFirst().get().offset();
            int b2 = lay.entries().stream().filter(e -> e.name().equals("wnet2/b")).findFirst().get().offset();
            double mn = 1e9, mx = -1e9;
            for (int i = 0; i <= 50; i++) {
                double x = 5.0 * i / 50, out = l[b2];
                for (int h = 0; h < 100; h++) out += l[w2 + h] * Math.max(0, l[w1 + h] * x + l[b1 + h]);
                mn = Math.min(mn, out); mx = Math.max(mx, out);
            }
            System.out.printf("seed %d: weighting-net output over per-example losses 0..5: min %.4f max %.4f (floor 0.1)%n", seed, mn, mx);
        }
    }
}
