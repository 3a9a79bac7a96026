"""The symgrad demo: train a 784-128-10 MLP with compiled forward and backward kernels.

    ./scripts/demo.sh [--steps 300] [--batch 64]

It traces the loss, shows its `graph` IR and the Gradient symgrad derives,
compiles loss-and-gradients to native code, checks those gradients once
against float64 finite differences, trains on synthetic 28x28 "digits" (made
here, nothing is downloaded), and compares the time of a training step with
the same step written by hand in numpy.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

import symgrad as sg


def mlp_loss(x, w1, b1, w2, b2, labels):
    """Mean softmax cross-entropy of a one-hidden-layer MLP; `labels` is one-hot."""
    h = sg.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    return -(labels * sg.log_softmax(logits, axis=-1)).sum(axis=-1).mean()


def numpy_mlp_value_and_grad(x, w1, b1, w2, b2, labels):
    """The same loss and its gradients (w.r.t. w1, b1, w2, b2), written by hand in numpy."""
    n = x.shape[0]
    h = np.tanh(x @ w1 + b1)
    logits = h @ w2 + b2
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = -(labels * (z - np.log(s))).sum() / n
    dlogits = (e / s * labels.sum(axis=1, keepdims=True) - labels) / n
    dh = dlogits @ w2.T
    dz = dh * (1.0 - h * h)
    return np.asarray(loss, x.dtype), (x.T @ dz, dz.sum(axis=0), h.T @ dlogits, dlogits.sum(axis=0))


# ------------------------------------------------------------------ data -----
def synthetic_digits(n, rng, prototypes):
    """28x28 images: one smooth random pattern per class, shifted by up to 5 pixels, under heavy noise."""
    classes = rng.integers(0, 10, n)
    images = np.empty((n, 28, 28), np.float32)
    for i, c in enumerate(classes):
        dy, dx = rng.integers(-5, 6, 2)
        images[i] = np.roll(prototypes[c], (dy, dx), axis=(0, 1))
    images += 3.0 * rng.standard_normal(images.shape).astype(np.float32)
    return images.reshape(n, 784), np.eye(10, dtype=np.float32)[classes]


def make_prototypes(rng):
    k = np.exp(-0.5 * (np.arange(-6, 7) / 2.5) ** 2)
    protos = rng.standard_normal((10, 28, 28))
    for axis in (1, 2):  # separable Gaussian blur: smooth strokes rather than pixel noise
        protos = np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), axis, protos)
    protos /= protos.std(axis=(1, 2), keepdims=True)
    return protos.astype(np.float32)


def init_params(rng, n_in=784, n_hidden=128, n_out=10):
    return [(rng.standard_normal((n_in, n_hidden)) / np.sqrt(n_in)).astype(np.float32),
            np.zeros(n_hidden, np.float32),
            (rng.standard_normal((n_hidden, n_out)) / np.sqrt(n_hidden)).astype(np.float32),
            np.zeros(n_out, np.float32)]


# ------------------------------------------------------------------ steps ----
def gradient_check(loss_and_grads, x, params, labels, rng, samples=3):
    """Compiled float32 gradients against central differences of the float64 loss."""
    _, grads = loss_and_grads(x, *params, labels)
    p64 = [p.astype(np.float64) for p in params]
    x64, l64 = x.astype(np.float64), labels.astype(np.float64)
    worst = 0.0
    for k, name in enumerate(("w1", "b1", "w2", "b2")):
        for _ in range(samples):
            idx = tuple(int(rng.integers(0, d)) for d in params[k].shape)
            eps = 1e-6
            plus = [p.copy() for p in p64]
            minus = [p.copy() for p in p64]
            plus[k][idx] += eps
            minus[k][idx] -= eps
            fd = (numpy_mlp_value_and_grad(x64, *plus, l64)[0] - numpy_mlp_value_and_grad(x64, *minus, l64)[0]) \
                / (2 * eps)
            err = abs(float(grads[k][idx]) - float(fd)) / max(abs(float(fd)), 1e-3)
            worst = max(worst, err)
            print(f"  d loss / d {name}{list(idx)}: compiled {float(grads[k][idx]):+.6e}, "
                  f"finite differences {float(fd):+.6e}")
    return worst


def progress(step, steps, loss, width=30):
    done = int(width * step / steps)
    bar = "#" * done + "." * (width - done)
    line = f"  [{bar}] step {step:4d}/{steps}  loss {loss:.4f}"
    if sys.stdout.isatty():
        print("\r" + line, end="" if step < steps else "\n", flush=True)
    elif step == 1 or step % max(1, steps // 10) == 0:
        print(line, flush=True)


def accuracy(params, x, labels):
    w1, b1, w2, b2 = params
    logits = np.tanh(x @ w1 + b1) @ w2 + b2
    return float((logits.argmax(1) == labels.argmax(1)).mean())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.1)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    prototypes = make_prototypes(rng)
    x_train, y_train = synthetic_digits(8192, rng, prototypes)
    x_test, y_test = synthetic_digits(1024, rng, prototypes)
    params = init_params(rng)
    batch = args.batch

    print("== 1. the loss, traced into the graph dialect ==")
    example = (x_train[:batch], *params, y_train[:batch])
    module = sg.trace(mlp_loss, *example, requires_grad=[1, 2, 3, 4])
    print(module)
    (loss0,) = sg.interpret(module, "mlp_loss", *example)
    print(f"reference interpreter on the first batch: loss = {float(loss0):.6f}\n")

    print("== 2. its Gradient (graph-differentiate) ==")
    grad = sg.differentiate(module)
    print(grad)
    print(f"captured between forward and backward: {grad.captured_bytes()} bytes\n")

    print("== 3. compiled to native code (graph -> linalg -> LLVM -> llvmlite JIT) ==")
    loss_and_grads = sg.value_and_grad(mlp_loss, argnums=(1, 2, 3, 4))
    t0 = time.perf_counter()
    loss_and_grads(*example)
    print(f"compiled loss + gradients in {time.perf_counter() - t0:.2f} s (cached on disk for the next run)")
    worst = gradient_check(loss_and_grads, x_train[:batch], params, y_train[:batch], rng)
    status = "OK" if worst < 1e-2 else "MISMATCH"
    print(f"gradient check against float64 finite differences: worst relative error {worst:.1e} -> {status}\n")

    print(f"== 4. training for {args.steps} steps of SGD (batch {batch}, lr {args.lr}) ==")
    print(f"test accuracy before: {accuracy(params, x_test, y_test):.1%}")
    for step in range(1, args.steps + 1):
        i = rng.integers(0, len(x_train) - batch)
        xb, yb = x_train[i:i + batch], y_train[i:i + batch]
        loss, grads = loss_and_grads(xb, *params, yb)
        params = [p - np.float32(args.lr) * g for p, g in zip(params, grads)]
        progress(step, args.steps, float(loss))
    print(f"test accuracy after: {accuracy(params, x_test, y_test):.1%}\n")

    print("== 5. time per step (loss and all gradients, median) ==")
    # Both on the same batch, alternating, so both see the same machine (caches, other load).
    step_times, numpy_times = [], []
    for _ in range(max(20, min(args.steps, 200))):
        t0 = time.perf_counter()
        loss_and_grads(xb, *params, yb)
        step_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        numpy_mlp_value_and_grad(xb, *params, yb)
        numpy_times.append(time.perf_counter() - t0)
    ours, theirs = statistics.median(step_times) * 1e3, statistics.median(numpy_times) * 1e3
    print(f"symgrad (native kernels): {ours:.3f} ms")
    print(f"numpy (hand-written backward): {theirs:.3f} ms")
    print(f"symgrad / numpy: {ours / theirs:.2f}x")
    return 0 if status == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
