package org.sparkadadelta.spark.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Keras 3's {@code model.weights.h5} layout, written and read with jHDF (pure Java):
 * <pre>
 * layers/&lt;dense&gt;/vars        attribute name = the layer's name; datasets 0, 1, ... (kernel, bias)
 * optimizer/vars               attribute name = the optimizer's name; datasets 0..n-1 in optimizer.variables order
 * optimizer/inner_optimizer/vars   a LossScaleOptimizer's inner optimizer, its own variables again
 * </pre>
 * Layer groups are named by class as Keras's saver names them ({@code dense}, {@code dense_1}, ... whatever the
 * layers' own names), scalars have shape {@code ()}, counters are int64, datasets are contiguous.
 *
 * <p>Keras also writes an empty root {@code vars} group (the model's own variables: none for a Sequential).
 * jHDF 0.10.0 writes an empty group with an object header that neither h5py nor jHDF can read back
 * ("bad object header version number"), so it is left out: Keras's loader reads a missing {@code vars}
 * group as no variables ({@code H5IOStore.get}), which is what it holds.
 */
public final class WeightsH5 {
    private WeightsH5() {
    }

    /** A layer's variables under {@code layers/<h5Name>/vars}. */
    public record Layer(String h5Name, String layerName, List<KerasTensor> vars) {
        public Layer {
            vars = List.copyOf(vars);
        }
    }

    /** An optimizer's variables under {@code <group>/vars}, and a LossScaleOptimizer's inner optimizer. */
    public record OptimizerVars(String name, List<KerasTensor> vars, OptimizerVars inner) {
        public OptimizerVars {
            vars = List.copyOf(vars);
        }
    }

    /** What a weights file holds: the layers with variables, in file order, and the optimizer (or null). */
    public record Contents(List<Layer> layers, OptimizerVars optimizer) {
        public Contents {
            layers = List.copyOf(layers);
        }

        public Layer layer(String h5Name) {
            return layers.stream().filter(l -> l.h5Name().equals(h5Name)).findFirst().orElse(null);
        }
    }

    public static void write(Path file, Contents contents) {
        try (WritableHdfFile f = HdfFile.write(file)) {
            WritableGroup layers = f.putGroup("layers");
            for (Layer layer : contents.layers()) {
                writeVars(layers.putGroup(layer.h5Name()), layer.layerName(), layer.vars());
            }
            if (contents.optimizer() != null) {
                writeOptimizer(f.putGroup("optimizer"), contents.optimizer());
            }
        }
    }

    private static void writeOptimizer(WritableGroup group, OptimizerVars optimizer) {
        if (optimizer.inner() != null) {
            writeOptimizer(group.putGroup("inner_optimizer"), optimizer.inner());
        }
        writeVars(group, optimizer.name(), optimizer.vars());
    }

    private static void writeVars(WritableGroup parent, String name, List<KerasTensor> vars) {
        if (vars.isEmpty()) {
            throw new IllegalArgumentException("jHDF cannot write the empty group " + name + "/vars");
        }
        WritableGroup group = parent.putGroup("vars");
        group.putAttribute("name", name);
        for (int i = 0; i < vars.size(); i++) {
            group.putDataset(Integer.toString(i), nested(vars.get(i)));
        }
    }

    /** The Java value jHDF writes with the tensor's dtype and shape: a boxed scalar or nested primitive arrays. */
    private static Object nested(KerasTensor t) {
        long[] shape = t.shape();
        if (shape.length == 0) {
            return switch (t.dtype()) {
                case "float32" -> ((float[]) t.values())[0];
                case "float64" -> ((double[]) t.values())[0];
                default -> ((long[]) t.values())[0];
            };
        }
        Object flat = t.values();
        if (shape.length == 1) {
            return flat;
        }
        int[] dims = Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
        Object out = Array.newInstance(flat.getClass().getComponentType(), dims);
        fill(out, flat, dims, 0, 0);
        return out;
    }

    private static int fill(Object out, Object flat, int[] dims, int depth, int offset) {
        if (depth == dims.length - 1) {
            System.arraycopy(flat, offset, out, 0, dims[depth]);
            return offset + dims[depth];
        }
        for (int i = 0; i < dims[depth]; i++) {
            offset = fill(Array.get(out, i), flat, dims, depth + 1, offset);
        }
        return offset;
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads every layer group and the optimizer group.
     *
     * @param source for messages, e.g. the archive's path
     * @throws IllegalArgumentException for a dataset of a dtype this job does not take (float16, bfloat16, ...)
     */
    public static Contents read(Path file, String source) {
        try (HdfFile f = new HdfFile(file)) {
            List<Layer> layers = new ArrayList<>();
            if (f.getChild("layers") instanceof Group g) {
                for (Node n : g.getChildren().values()) {
                    if (n instanceof Group layer && layer.getChild("vars") instanceof Group vars) {
                        layers.add(new Layer(layer.getName(), nameOf(vars, layer.getName()),
                                readVars(vars, source)));
                    }
                }
            }
            OptimizerVars optimizer = f.getChild("optimizer") instanceof Group g ? readOptimizer(g, source) : null;
            return new Contents(layers, optimizer);
        }
    }

    private static OptimizerVars readOptimizer(Group group, String source) {
        OptimizerVars inner = group.getChild("inner_optimizer") instanceof Group g ? readOptimizer(g, source) : null;
        Group vars = group.getChild("vars") instanceof Group v ? v : null;
        return new OptimizerVars(vars == null ? null : nameOf(vars, null),
                vars == null ? List.of() : readVars(vars, source), inner);
    }

    private static String nameOf(Group vars, String fallback) {
        Attribute a = vars.getAttribute("name");
        return a != null && a.getData() instanceof String s ? s : fallback;
    }

    /** Datasets {@code 0}, {@code 1}, ... in index order. */
    private static List<KerasTensor> readVars(Group vars, String source) {
        Map<String, Node> children = vars.getChildren();
        List<KerasTensor> out = new ArrayList<>();
        for (int i = 0; children.get(Integer.toString(i)) instanceof Dataset d; i++) {
            out.add(tensor(d, source));
        }
        if (out.size() != children.size()) {
            throw new IllegalArgumentException(source + ": " + vars.getPath() + " holds " + children.keySet()
                    + ", not datasets 0.." + (children.size() - 1));
        }
        return out;
    }

    static KerasTensor tensor(Dataset d, String source) {
        String where = source + ": " + d.getPath();
        Attribute dtypeAttribute = d.getAttribute("dtype");
        if (dtypeAttribute != null) {
            throw new IllegalArgumentException(where + " has dtype " + dtypeAttribute.getData()
                    + ": only float32 weights are supported");
        }
        long[] shape = Arrays.stream(d.getDimensions()).asLongStream().toArray();
        DataType type = d.getDataType();
        String dtype;
        if (type instanceof FloatingPoint && type.getSize() == 4) {
            dtype = "float32";
        } else if (type instanceof FloatingPoint && type.getSize() == 8) {
            dtype = "float64";
        } else if (type instanceof FixedPoint && (type.getSize() == 8 || type.getSize() == 4)) {
            dtype = "int64";
        } else {
            throw new IllegalArgumentException(where + " has dtype " + describe(type)
                    + ": only float32 weights (and integer counters) are supported");
        }
        Object values = d.isScalar() ? d.getData() : d.getDataFlat();
        Object flat = switch (dtype) {
            case "float32" -> values instanceof Float v ? new float[] {v} : (float[]) values;
            case "float64" -> values instanceof Double v ? new double[] {v} : (double[]) values;
            default -> longs(values);
        };
        return new KerasTensor(d.getPath(), dtype, shape, flat);
    }

    private static long[] longs(Object values) {
        if (values instanceof Number n) {
            return new long[] {n.longValue()};
        }
        if (values instanceof int[] ints) {
            return Arrays.stream(ints).asLongStream().toArray();
        }
        return (long[]) values;
    }

    private static String describe(DataType type) {
        if (type instanceof FloatingPoint) {
            return "float" + type.getSize() * 8;
        }
        if (type instanceof FixedPoint fp) {
            return (fp.isSigned() ? "int" : "uint") + type.getSize() * 8;
        }
        return type.getClass().getSimpleName();
    }
}
