package org.sparkadadelta.optim.demo;

import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Adadelta;
import org.sparkadadelta.optim.Optimizer;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.optim.config.KerasJson;
import org.sparkadadelta.optim.config.OptimizerSerialization;
import org.sparkadadelta.optim.schedules.CosineDecay;
import org.sparkadadelta.optim.LearningRate;

/**
 * A single-machine tour of core-optim: fits a noisy linear model with Keras's Adadelta (a cosine-decayed
 * learning rate, global-norm clipping and an EMA of the weights), prints the loss as it falls, and prints
 * the optimizer's Keras config JSON, which {@code keras.optimizers.deserialize} accepts as it is.
 *
 * <p>Usage: {@code bin/run-demo [steps]} (default 3000).
 */
public final class AdadeltaDemo {
    private static final int ROWS = 512;
    private static final int FEATURES = 8;

    private AdadeltaDemo() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Nd4j.getRandom().setSeed(42);
        INDArray x = Nd4j.randn(DataType.FLOAT, ROWS, FEATURES);
        INDArray trueW = Nd4j.linspace(-2, 2, FEATURES, DataType.FLOAT).reshape(FEATURES, 1);
        INDArray y = x.mmul(trueW).addi(0.5f).addi(Nd4j.randn(DataType.FLOAT, ROWS, 1).muli(0.1f));

        Variable kernel = new Variable("kernel", "dense/kernel", Nd4j.zeros(DataType.FLOAT, FEATURES, 1));
        Variable bias = new Variable("bias", "dense/bias", Nd4j.zeros(DataType.FLOAT, 1));
        List<Variable> vars = List.of(kernel, bias);
        Optimizer opt = Adadelta.builder()
                .learningRate(LearningRate.of(new CosineDecay(1.0, steps, 0.1, "CosineDecay", null, 0)))
                .globalClipnorm(10.0)
                .useEma(true).emaMomentum(0.9)
                .build();

        for (int step = 0; step < steps; step++) {
            INDArray residual = x.mmul(kernel.value()).addi(bias.value().getFloat(0)).subi(y);
            double loss = residual.norm2Number().doubleValue();
            loss = loss * loss / ROWS;
            // d(mean squared error)/dW = 2/n X^T r ; d/db = 2/n sum(r)
            INDArray gradW = x.transpose().mmul(residual).muli(2f / ROWS);
            INDArray gradB = residual.sum(0).muli(2f / ROWS);
            opt.apply(List.of(gradW, gradB), vars);
            if (step % 25 == 0 || step == steps - 1) {
                System.out.printf(Locale.ROOT, "step %4d  lr %.5f  mse %.6f%n", step, opt.learningRateValue(), loss);
            }
        }
        opt.finalizeVariableValues(vars);
        System.out.println("true kernel   " + trueW.reshape(FEATURES));
        System.out.println("learned (EMA) " + kernel.value().reshape(FEATURES) + "  bias " + bias.value());
        System.out.println("Keras config: " + KerasJson.write(OptimizerSerialization.serialize(opt)));
    }
}
