package org.sparkadadelta.optim;

/**
 * One entry of an optimizer's state, as Keras lists it in {@code optimizer.variables}.
 *
 * @param variable      the state tensor, with Keras's name and path
 *                      (e.g. {@code kernel_accumulated_grad}, {@code adadelta/kernel_accumulated_grad})
 * @param role          what it holds: {@code iteration}, {@code learning_rate}, {@code average},
 *                      {@code gradient_accumulator}, an optimizer's slot role such as
 *                      {@code accumulated_grad}, or the loss-scale optimizer's {@code step_counter} and
 *                      {@code dynamic_scale}
 * @param modelVariable the model variable a per-variable slot belongs to, or null
 */
public record OptimizerVariable(Variable variable, String role, Variable modelVariable) {
}
