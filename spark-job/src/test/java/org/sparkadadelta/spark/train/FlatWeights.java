package org.sparkadadelta.spark.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkadadelta.optim.Variable;
import org.sparkadadelta.spark.model.Network;
import org.sparkadadelta.spark.model.VariableSpec;

/** A network's flat weight vector as Keras variables and back, for replaying a run on the driver. */
final class FlatWeights {
    private FlatWeights() {
    }

    /** Fresh variables holding {@code weights}, one per variable of the network's layout. */
    static List<Variable> variables(Network net, float[] weights) {
        List<INDArray> tensors = split(net, weights);
        List<Variable> vars = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            VariableSpec v = net.layout().variables().get(i);
            vars.add(new Variable(v.name(), v.path(), tensors.get(i)));
        }
        return vars;
    }

    /** A flat vector cut into one tensor per variable of the network's layout. */
    static List<INDArray> split(Network net, float[] flat) {
        List<INDArray> out = new ArrayList<>();
        for (VariableSpec v : net.layout().variables()) {
            float[] part = Arrays.copyOfRange(flat, v.offset(), v.offset() + v.size());
            out.add(Nd4j.createFromArray(part).reshape(v.shape()));
        }
        return out;
    }

    static float[] flat(List<Variable> vars) {
        List<float[]> parts = new ArrayList<>();
        int size = 0;
        for (Variable v : vars) {
            float[] part = v.value().dup('c').reshape(v.value().length()).toFloatVector();
            parts.add(part);
            size += part.length;
        }
        float[] out = new float[size];
        int offset = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }

    /** Float bit patterns, so that assertions compare NaN, infinities and signed zeros exactly. */
    static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Float.floatToRawIntBits(values[i]);
        }
        return out;
    }
}
