#!/usr/bin/env python3
"""PyTorch 1.13 peer of `deploy/bin/hypergrad bench engine`: the same four cases, float64, one thread.

Cases (batch 100, random inputs in [0, 1), random labels, mean softmax cross-entropy):
  mlp-grad    MLP 784-256-256-10 (tanh): gradient w.r.t. every parameter
  mlp-hvp     the same, gradient and a Hessian-vector product (double backprop) in one call
  conv4-grad  Conv-4: 4 x [conv 3x3 32ch pad 1 -> batch norm (training) -> ReLU -> max-pool 2] on 1x28x28, linear 32->10
  conv4-hvp   the same with the Hessian-vector product

Output: one line per case, `case=<name> pytorch_ms=<median>`, or with --json one object {"mlp-grad": ms, ...}.
Run with Debian's python3-torch: /usr/bin/python3 deploy/bench/engine_bench.py [--reps N] [--warmup N] [--json] [--case NAME]
It is a peer for measurement only; nothing in the build or the tests needs it.
"""
import argparse
import json
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("engine_bench.py: PyTorch is missing; install Debian's python3-torch and run with /usr/bin/python3", file=sys.stderr)
    sys.exit(3)


def mlp(gen):
    sizes = [784, 256, 256, 10]
    params = []
    for i, o in zip(sizes[:-1], sizes[1:]):
        bound = 1 / i ** 0.5
        params.append((torch.rand(o, i, generator=gen) * 2 - 1).mul_(bound).requires_grad_())
        params.append((torch.rand(o, generator=gen) * 2 - 1).mul_(bound).requires_grad_())

    def loss(x, y):
        h = x
        for k in range(0, len(params) - 2, 2):
            h = torch.tanh(F.linear(h, params[k], params[k + 1]))
        return F.cross_entropy(F.linear(h, params[-2], params[-1]), y)

    x = torch.rand(100, 784, generator=gen)
    y = torch.randint(0, 10, (100,), generator=gen)
    return params, loss, x, y


def conv4(gen):
    params = []
    c = 1
    for _ in range(4):
        bound = 1 / (c * 9) ** 0.5
        params += [(torch.rand(32, c, 3, 3, generator=gen) * 2 - 1).mul_(bound).requires_grad_(),
                   (torch.rand(32, generator=gen) * 2 - 1).mul_(bound).requires_grad_(),
                   torch.ones(32).requires_grad_(), torch.zeros(32).requires_grad_()]
        c = 32
    params += [(torch.rand(10, 32, generator=gen) * 2 - 1).mul_(32 ** -0.5).requires_grad_(),
               (torch.rand(10, generator=gen) * 2 - 1).mul_(32 ** -0.5).requires_grad_()]

    def loss(x, y):
        h = x
        for k in range(4):
            w, b, g, be = params[4 * k:4 * k + 4]
            h = F.conv2d(h, w, b, padding=1)
            h = F.batch_norm(h, None, None, g, be, training=True, eps=1e-5)
            h = F.max_pool2d(F.relu(h), 2)
        return F.cross_entropy(F.linear(h.flatten(1), params[-2], params[-1]), y)

    x = torch.rand(100, 1, 28, 28, generator=gen)
    y = torch.randint(0, 10, (100,), generator=gen)
    return params, loss, x, y


def grad_call(params, loss, x, y):
    return lambda: torch.autograd.grad(loss(x, y), params)


def hvp_call(params, loss, x, y, u):
    def f():
        g = torch.autograd.grad(loss(x, y), params, create_graph=True)
        dot = sum((gi * ui).sum() for gi, ui in zip(g, u))
        return g, torch.autograd.grad(dot, params)
    return f


def check_hvp(params, loss, x, y, u, name):
    """Relative error of the HVP against central differences of the gradient along u (step 1e-5)."""
    _, hv = hvp_call(params, loss, x, y, u)()
    with torch.no_grad():
        for p, ui in zip(params, u):
            p.add_(1e-5 * ui)
    gp = torch.autograd.grad(loss(x, y), params)
    with torch.no_grad():
        for p, ui in zip(params, u):
            p.sub_(2e-5 * ui)
    gm = torch.autograd.grad(loss(x, y), params)
    with torch.no_grad():
        for p, ui in zip(params, u):
            p.add_(1e-5 * ui)
    fd = torch.cat([((a - b) / 2e-5).flatten() for a, b in zip(gp, gm)])
    an = torch.cat([h.flatten() for h in hv])
    print(f"# {name}: HVP vs finite differences, relative error {float((an - fd).norm() / fd.norm()):.2e}", file=sys.stderr)


def median_ms(f, warmup, reps):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--case", default=None)
    a = ap.parse_args()
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}", file=sys.stderr)
    gen = torch.Generator().manual_seed(1234)
    out = {}
    for prefix, build in (("mlp", mlp), ("conv4", conv4)):
        params, loss, x, y = build(gen)
        u = [torch.randn(p.shape, generator=gen) for p in params]
        # Finite differences check the smooth MLP only: Conv-4's 2.5 million ReLU and max-pool inputs
        # always include some within a step of a kink, which makes a difference quotient meaningless.
        if prefix == "mlp" and (a.case is None or a.case.startswith(prefix)):
            check_hvp(params, loss, x, y, u, prefix)
        for kind, f in (("grad", grad_call(params, loss, x, y)), ("hvp", hvp_call(params, loss, x, y, u))):
            name = f"{prefix}-{kind}"
            if a.case is not None and a.case != name:
                continue
            out[name] = median_ms(f, a.warmup, a.reps)
    if a.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"case={k} pytorch_ms={v:.3f}")


if __name__ == "__main__":
    main()
