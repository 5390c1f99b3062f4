#!/usr/bin/env python3
"""PyTorch 1.13 reference timings for hypergrad's autodiff engine (measurement only).

Nothing in hypergrad's build or tests needs this script, Python or PyTorch: it is a
peer to compare the speed of our forward-over-reverse engine against.  Run it with
Debian's interpreter, which is the one that has torch (``apt-get install -y python3-torch``):

    /usr/bin/python3 deploy/bench/engine_bench.py [--reps N] [--warmup N] [--case NAME]... [--json]

Setup: float64 (``torch.set_default_dtype(torch.float64)``), one intra-op and one
inter-op thread, BLAS/OpenMP pinned to one thread (OPENBLAS_NUM_THREADS etc. are set
to 1 before torch loads: set_num_threads does not reach OpenBLAS), fixed seed (``--seed``, default 0).  All graphs are built from
``torch.nn.functional`` ops on explicit parameter tensors, so what is timed is exactly:

  mlp-grad    MLP 784-256-256-10, tanh on both hidden layers, softmax cross-entropy
              (mean over the batch) on integer labels; batch 100, inputs ~ U(0,1),
              random labels.  Forward + backward: torch.autograd.grad(loss, params)
              over all 6 weights and biases.
  mlp-hvp     the same, gradient AND Hessian-vector product with a fixed random
              tangent u over all parameters, by double backprop:
                g  = grad(loss, params, create_graph=True)
                hv = grad(sum((gi * ui).sum()), params)
              Timed as a whole (forward + both backwards).
  conv4-grad  Conv-4 on 1x28x28 inputs, batch 100: 4 x [conv 3x3, 32 channels,
              padding 1, stride 1, bias -> BatchNorm2d in training mode (batch
              statistics, affine, eps 1e-5) -> ReLU -> MaxPool 2x2], spatial
              28->14->7->3->1, flatten (32) -> Linear 32->10 -> softmax CE.
              Gradient w.r.t. all 18 parameters.
  conv4-hvp   gradient + HVP as above, for Conv-4.

Each case is run --warmup times (default 5) untimed, then --reps times (default 30);
the reported figure is the median wall-clock time of one repetition, in milliseconds.

Before timing, for every model whose -hvp case is selected, the HVP is checked once
against a central finite difference of the gradient along u (eps 1e-5):
    rel_err = ||hv - (g(p + eps u) - g(p - eps u)) / (2 eps)|| / ||hv||
and printed to stderr; it should be ~1e-7 or better (u is N(0,1) per entry, not
normalised, so the O(eps^2) truncation term alone is ~1e-7 at eps 1e-5).  The MLP is smooth, so the plain FD is
used.  For Conv-4, ReLU and MaxPool kinks are measure-zero but there are ~3.3e6 ReLU
units and ~8e5 pooling windows, and a step of 1e-5 along u crosses ~150 of them, which
wrecks the plain FD (rel_err ~50).  So for Conv-4 rel_err uses the FD of the gradient
of the smooth piece active at p (ReLU masks and MaxPool argmaxes frozen at p; it agrees
with the real graph at p, gradient included), and the plain FD's error and the number
of kinks it crossed are printed beside it.  Above 1e-6 a WARNING line is printed as
well, but the run goes on.

Output (stable; hypergrad's Java launcher parses it):
  default   one line per selected case, in the order listed above, on stdout:
              case=<name> pytorch_ms=<median ms, 3 decimals>
            e.g. "case=mlp-grad pytorch_ms=1.234"
  --json    instead, a single JSON object on one line of stdout, keys in the same
            order, values the medians in ms rounded to 3 decimals:
              {"mlp-grad": 1.234, "mlp-hvp": 3.456, ...}
  --serve   after the set-up and the HVP checks, no timing of its own: it reads requests
            "<case> <reps>" from stdin, one a line, and answers each on one line of stdout
            with a JSON object {"case": <name>, "ms": [<one time per repetition>]} (one
            untimed warm-up repetition first), until "quit" or the end of input.  hypergrad's
            `bench engine --vs-pytorch` drives it this way to interleave the two sides in
            short blocks, so that a shared machine's load falls on both alike.
Everything else (torch version, thread counts, HVP check, per-case min/quartiles)
goes to stderr.

Exit codes: 0 ok, 2 usage error, 3 torch cannot be imported.
"""

import argparse
import gc
import json
import os
import statistics
import sys
import time

CASES = ["mlp-grad", "mlp-hvp", "conv4-grad", "conv4-hvp"]

# torch.set_num_threads(1) does not reach Debian's BLAS (OpenBLAS, pthread build), which
# would otherwise start one thread per core for every matmul.  Its pool is sized when the
# library loads, so pin it (and OpenMP's, and MKL's if present) before importing torch.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # ImportError, or a broken install
    print(
        "engine_bench: cannot import torch (%s: %s) with %s.\n"
        "Install it with 'apt-get install -y python3-torch' and run this script with "
        "/usr/bin/python3 (the pyenv python3 on PATH has no torch)."
        % (type(e).__name__, e, sys.executable),
        file=sys.stderr,
    )
    sys.exit(3)

BATCH = 100
CLASSES = 10
FD_EPS = 1e-5
HVP_TOL = 1e-6


# ---------------------------------------------------------------- models

def mlp_params(gen):
    sizes = [784, 256, 256, 10]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append(torch.randn(fan_out, fan_in, generator=gen) / fan_in ** 0.5)
        params.append(0.1 * torch.randn(fan_out, generator=gen))
    return params


def mlp_loss(params, x, y):
    w1, b1, w2, b2, w3, b3 = params
    h = torch.tanh(F.linear(x, w1, b1))
    h = torch.tanh(F.linear(h, w2, b2))
    return F.cross_entropy(F.linear(h, w3, b3), y)  # mean over the batch


def conv4_params(gen):
    params = []
    in_ch = 1
    for _ in range(4):
        fan_in = in_ch * 9
        params.append(torch.randn(32, in_ch, 3, 3, generator=gen) * (2.0 / fan_in) ** 0.5)
        params.append(0.1 * torch.randn(32, generator=gen))           # conv bias
        params.append(1.0 + 0.1 * torch.randn(32, generator=gen))     # BN gamma
        params.append(0.1 * torch.randn(32, generator=gen))           # BN beta
        in_ch = 32
    params.append(torch.randn(CLASSES, 32, generator=gen) / 32 ** 0.5)
    params.append(0.1 * torch.randn(CLASSES, generator=gen))
    return params


def conv4_loss(params, x, y):
    h = x
    for i in range(4):
        w, b, gamma, beta = params[4 * i: 4 * i + 4]
        h = F.conv2d(h, w, b, stride=1, padding=1)
        # training mode: normalise with batch statistics; no running stats kept
        h = F.batch_norm(h, None, None, gamma, beta, training=True, eps=1e-5)
        h = F.relu(h)
        h = F.max_pool2d(h, 2)  # 28 -> 14 -> 7 -> 3 -> 1
    h = h.flatten(1)            # (B, 32)
    return F.cross_entropy(F.linear(h, params[16], params[17]), y)


def conv4_pattern(params, x):
    """The active smooth piece of conv4_loss at params: per block, the ReLU mask and the
    MaxPool argmax indices."""
    pattern = []
    h = x
    with torch.no_grad():
        for i in range(4):
            w, b, gamma, beta = params[4 * i: 4 * i + 4]
            h = F.conv2d(h, w, b, stride=1, padding=1)
            h = F.batch_norm(h, None, None, gamma, beta, training=True, eps=1e-5)
            mask = h > 0
            h, idx = F.max_pool2d(F.relu(h), 2, return_indices=True)
            pattern.append((mask, idx))
    return pattern


def conv4_loss_frozen(pattern):
    """conv4_loss with the ReLU masks and MaxPool choices frozen to `pattern`: the smooth
    function that agrees with conv4_loss on the piece containing the pattern's point,
    so its Hessian there is conv4_loss's.  Used by the HVP check only, never timed."""
    def loss(params, x, y):
        h = x
        for i in range(4):
            w, b, gamma, beta = params[4 * i: 4 * i + 4]
            mask, idx = pattern[i]
            h = F.conv2d(h, w, b, stride=1, padding=1)
            h = F.batch_norm(h, None, None, gamma, beta, training=True, eps=1e-5)
            h = h * mask
            h = h.flatten(2).gather(2, idx.flatten(2)).view(idx.shape)
        h = h.flatten(1)
        return F.cross_entropy(F.linear(h, params[16], params[17]), y)
    return loss


def make_model(name, gen):
    """Returns (loss_fn, leaf params, inputs, labels, tangent u)."""
    if name == "mlp":
        params = mlp_params(gen)
        x = torch.rand(BATCH, 784, generator=gen)
        fn = mlp_loss
    else:
        params = conv4_params(gen)
        x = torch.rand(BATCH, 1, 28, 28, generator=gen)
        fn = conv4_loss
    y = torch.randint(0, CLASSES, (BATCH,), generator=gen)
    u = [torch.randn(p.shape, generator=gen) for p in params]
    params = [p.requires_grad_() for p in params]
    return fn, params, x, y, u


# ---------------------------------------------------------------- work

def grad_step(fn, params, x, y, u):
    loss = fn(params, x, y)
    return torch.autograd.grad(loss, params)


def hvp_step(fn, params, x, y, u):
    loss = fn(params, x, y)
    g = torch.autograd.grad(loss, params, create_graph=True)
    gu = sum((gi * ui).sum() for gi, ui in zip(g, u))
    hv = torch.autograd.grad(gu, params)
    return g, hv


def flat(ts):
    return torch.cat([t.reshape(-1) for t in ts])


def fd_hvp(fn, params, x, y, u):
    """Central finite difference of the gradient of fn along u, eps FD_EPS."""
    def grad_at(sign):
        with torch.no_grad():
            shifted = [(p + sign * FD_EPS * ui).requires_grad_() for p, ui in zip(params, u)]
        return flat(grad_step(fn, shifted, x, y, u)), shifted
    g_plus, p_plus = grad_at(+1.0)
    g_minus, p_minus = grad_at(-1.0)
    return (g_plus - g_minus) / (2 * FD_EPS), p_plus, p_minus


def check_hvp(name, fn, params, x, y, u):
    _, hv = hvp_step(fn, params, x, y, u)
    hv = flat(hv)
    hv_norm = hv.norm().item()

    def rel_err(fd):
        return (hv - fd).norm().item() / max(hv_norm, 1e-300)

    fd, p_plus, p_minus = fd_hvp(fn, params, x, y, u)
    rel_plain = rel_err(fd)
    if name == "mlp":  # smooth (tanh): the plain FD is the check
        rel = rel_plain
        print("hvp-check model=mlp rel_err=%.3e (|hv|=%.4e, central FD of grad along u, eps=%g)"
              % (rel, hv_norm, FD_EPS), file=sys.stderr)
    else:
        # ReLU and MaxPool kinks are measure-zero, but Conv-4 has ~3.3e6 ReLU units and
        # ~8e5 pooling windows: a step of eps=1e-5 along u crosses on the order of 100 of
        # them, each adding a jump of order 1/eps to the plain FD.  So the check takes
        # the FD of the gradient of the smooth piece active at p (masks and argmaxes
        # frozen), which is what the HVP at p is the derivative of, and reports the
        # plain FD and the number of kinks it crossed beside it.
        pattern = conv4_pattern(params, x)
        crossed = sum(int((a != b).sum())
                      for pa, pb in zip(conv4_pattern(p_plus, x), conv4_pattern(p_minus, x))
                      for a, b in zip(pa, pb))
        frozen = conv4_loss_frozen(pattern)
        g_true = flat(grad_step(fn, params, x, y, u))
        g_frozen = flat(grad_step(frozen, params, x, y, u))
        same = (g_true - g_frozen).norm().item() / max(g_true.norm().item(), 1e-300)
        fd_frozen, _, _ = fd_hvp(frozen, params, x, y, u)
        rel = rel_err(fd_frozen)
        print("hvp-check model=conv4 rel_err=%.3e (|hv|=%.4e, central FD of grad along u, "
              "eps=%g, ReLU masks and MaxPool argmaxes frozen at p; frozen-vs-true grad at p "
              "%.1e) plain_fd_rel_err=%.3e kinks_crossed=%d"
              % (rel, hv_norm, FD_EPS, same, rel_plain, crossed), file=sys.stderr)
    if not rel <= HVP_TOL:
        print("WARNING: hvp-check model=%s rel_err=%.3e is above %g" % (name, rel, HVP_TOL),
              file=sys.stderr)
    return rel


def time_case(step, args, reps, warmup):
    for _ in range(warmup):
        step(*args)
    gc.collect()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step(*args)
        times.append((time.perf_counter() - t0) * 1e3)
    return times


# ---------------------------------------------------------------- main

def serve(models):
    """Answers "<case> <reps>" requests from stdin with the times of one block (see --serve)."""
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        case, reps = words[0], int(words[1])
        name, kind = case.split("-")
        step = grad_step if kind == "grad" else hvp_step
        times = time_case(step, models[name], reps, 1)
        print(json.dumps({"case": case, "ms": [round(t, 4) for t in times]}))
        sys.stdout.flush()
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="PyTorch reference timings for hypergrad's engine benchmark "
                    "(see the module docstring for the exact cases and output format).")
    ap.add_argument("--reps", type=int, default=30, help="timed repetitions per case (default 30)")
    ap.add_argument("--warmup", type=int, default=5, help="untimed warm-up repetitions (default 5)")
    ap.add_argument("--case", action="append", choices=CASES, metavar="NAME",
                    help="run only this case (repeatable); one of: " + ", ".join(CASES))
    ap.add_argument("--json", action="store_true",
                    help='print one JSON object {"case": median_ms, ...} instead of lines')
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--serve", action="store_true",
                    help='time blocks on request: read "<case> <reps>" lines from stdin, answer JSON lines')
    args = ap.parse_args(argv)
    if args.reps < 1 or args.warmup < 0:
        ap.error("--reps must be >= 1 and --warmup >= 0")

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(args.seed)

    selected = [c for c in CASES if args.case is None or c in args.case]
    print("engine_bench: torch %s, python %s, intra-op threads %d, inter-op threads %d, "
          "dtype %s, %s, seed %d"
          % (torch.__version__, sys.version.split()[0], torch.get_num_threads(),
             torch.get_num_interop_threads(), torch.get_default_dtype(),
             "blocks on request" if args.serve else "reps %d, warmup %d" % (args.reps, args.warmup),
             args.seed), file=sys.stderr)

    models = {}
    for name in ("mlp", "conv4"):
        if any(c.startswith(name + "-") for c in selected):
            gen = torch.Generator().manual_seed(args.seed * 1000 + (1 if name == "mlp" else 2))
            models[name] = make_model(name, gen)

    for name, (fn, params, x, y, u) in models.items():
        if name + "-hvp" in selected:
            check_hvp(name, fn, params, x, y, u)

    if args.serve:
        return serve(models)

    results = {}
    for case in selected:
        name, kind = case.split("-")
        step = grad_step if kind == "grad" else hvp_step
        times = time_case(step, models[name], args.reps, args.warmup)
        med = statistics.median(times)
        q = statistics.quantiles(times, n=4) if len(times) >= 2 else [med, med, med]
        print("detail case=%s median_ms=%.3f min_ms=%.3f q1_ms=%.3f q3_ms=%.3f max_ms=%.3f n=%d"
              % (case, med, min(times), q[0], q[2], max(times), len(times)), file=sys.stderr)
        results[case] = round(med, 3)

    try:
        print("engine_bench: process threads at the end: %d" % len(os.listdir("/proc/self/task")),
              file=sys.stderr)
    except OSError:
        pass

    if args.json:
        print(json.dumps(results))
    else:
        for case, ms in results.items():
            print("case=%s pytorch_ms=%.3f" % (case, ms))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
