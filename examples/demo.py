"""The symgrad demo: trace a small MLP loss, show its `graph` IR, verify it, run it."""
import numpy as np

import symgrad as sg


def mlp_loss(x, w1, b1, w2, b2, labels):
    """Mean softmax cross-entropy of a one-hidden-layer MLP; `labels` is one-hot."""
    h = sg.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    return -(labels * sg.log_softmax(logits, axis=-1)).sum(axis=-1).mean()


def main():
    rng = np.random.default_rng(0)
    batch, n_in, n_hidden, n_out = 16, 32, 24, 10
    x = rng.standard_normal((batch, n_in)).astype(np.float32)
    w1 = (rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in)).astype(np.float32)
    b1 = np.zeros(n_hidden, np.float32)
    w2 = (rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden)).astype(np.float32)
    b2 = np.zeros(n_out, np.float32)
    labels = np.eye(n_out, dtype=np.float32)[rng.integers(0, n_out, batch)]
    args = (x, w1, b1, w2, b2, labels)

    module = sg.trace(mlp_loss, *args, requires_grad=[1, 2, 3, 4])
    print("== graph IR of mlp_loss ==")
    print(module)
    sg.verify(module)
    print("== verified ==")
    (loss,) = sg.interpret(module, "mlp_loss", *args)
    print(f"== reference interpreter: loss = {float(loss):.6f} (log(10) = {np.log(10):.6f} for chance) ==")

    grad = sg.differentiate(module)
    print("\n== after graph-differentiate ==")
    print(grad)
    print(grad.df)
    (loss2,), saved = grad.forward(*args)
    grads = grad.backward(saved, np.ones((), np.float32))
    # Check one gradient entry per parameter against float64 central differences.
    args64 = [a.astype(np.float64) for a in args]
    m64 = sg.trace(mlp_loss, *args64)
    for k, name in zip(grad.df_output_vjps, ("w1", "b1", "w2", "b2")):
        g = grads[list(grad.df_output_vjps).index(k)]
        idx = tuple(int(i) for i in np.unravel_index(np.argmax(np.abs(g)), g.shape))
        eps = 1e-6
        plus, minus = [a.copy() for a in args64], [a.copy() for a in args64]
        plus[k][idx] += eps
        minus[k][idx] -= eps
        fd = (sg.interpret(m64, None, *plus)[0] - sg.interpret(m64, None, *minus)[0]) / (2 * eps)
        print(f"d loss / d {name}{list(idx)}: symbolic {g[idx]:+.6f}, finite differences {float(fd):+.6f}")


if __name__ == "__main__":
    main()
