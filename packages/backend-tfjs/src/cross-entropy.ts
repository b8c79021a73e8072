import * as tf from "@tensorflow/tfjs-core";

/** The loss of a window, and the log-probabilities its gradient needs. */
export interface CrossEntropy {
  /** Mean cross-entropy over the T·B positions. */
  readonly loss: tf.Scalar;
  /** log softmax of the logits, (T·B, V). */
  readonly logProbs: tf.Tensor;
}

/** Mean cross-entropy −mean_r log softmax(z_r)[y_r] (`softmaxCrossEntropy` in the reference). */
export function crossEntropy(logits: tf.Tensor, targets: Int32Array, vocabSize: number): CrossEntropy {
  const rows = targets.length;
  const logProbs = tf.logSoftmax(logits);
  const flat = new Int32Array(rows);
  for (let i = 0; i < rows; i++) flat[i] = i * vocabSize + targets[i];
  const loss = tf.neg(tf.mean(tf.gather(tf.reshape(logProbs, [-1]), tf.tensor1d(flat, "int32")))) as tf.Scalar;
  return { loss, logProbs };
}
