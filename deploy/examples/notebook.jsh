// hypergrad from JShell (or any Java notebook kernel): a run on an existing SparkSession.
// Run with the launcher's classpath, e.g.
//   jshell --class-path "driver/target/hypergrad.jar:driver/target/lib/*" \
//          $(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' pom.xml | tr ' ' '\n' | sed 's/^/-R/') \
//          deploy/examples/notebook.jsh
import org.apache.spark.sql.SparkSession;
import io.hypergrad.driver.api.Hypergrad;

// JShell reads a snippet per line: continued lines end with a dot or an open parenthesis.
var spark = SparkSession.builder().master("local[2]").appName("hypergrad-notebook").
        config("spark.ui.enabled", "false").getOrCreate();

var result = Hypergrad.on(spark).
        problem("sinusoid").
        estimator("one-step").
        rounds(3).
        set("hypergrad.inner.steps", 5).
        set("hypergrad.eval.testTasks", 0).
        output(System.getProperty("java.io.tmpdir") + "/hypergrad-notebook-" + System.nanoTime()).
        listener((round, rounds, metrics, eta) -> System.out.println("round " + round + "/" + rounds + " valLoss " + metrics.get("valLoss"))).
        fit();

System.out.println("rounds=" + result.history().size() + " lambda=" + result.lambda().length +
        " lambdaSha256=" + result.summary().get("lambdaSha256") + " folder=" + result.runFolder());
spark.stop();
/exit
