# Per-seed meta-test MSE of the sinusoid-estimators sweep, flagging runs whose inner loop diverged (mean final
# inner training loss >= 40 in some round) and counting meta-train episodes skipped under nonFinite = skip-task.
# Usage: python3 sinusoid-per-seed.py SWEEP_FOLDER (default experiments/sinusoid-estimators)
import json, glob, os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else 'experiments/sinusoid-estimators'
rows = {}
for f in sorted(glob.glob(root + '/*/summary.json')):
    run = os.path.basename(os.path.dirname(f))
    # Run names: "seed=S,estimator=E" (settings only), or the older "rNNN-estimator=E,seed=S".
    m = re.fullmatch(r'seed=(\d+),estimator=(.*)', run) or re.fullmatch(r'r\d+-estimator=(.*),seed=(\d+)', run)
    if not m:
        continue
    seed, est = (m.group(1), m.group(2)) if run.startswith('seed=') else (m.group(2), m.group(1))
    d = json.load(open(f)); L = d['metaTest']['learned']
    met = [json.loads(l) for l in open(os.path.dirname(f) + '/metrics.jsonl') if l.strip()]
    first = next((x['round'] for x in met if x['trainLoss'] is not None and not (x['trainLoss'] < 40)), None)
    skipped = sum(x.get('skippedTasks', 0) for x in met)
    rows.setdefault(est, {})[int(seed)] = (L['loss'], L['lossCi95'], first, skipped)
order = ['fo', 'one-step', 'drmad']
print('| estimator | seed 0 | seed 1 | seed 2 | median of the three |')
print('|---|---|---|---|---|')
for est in sorted(rows, key=lambda e: (order.index(e) if e in order else len(order), e)):
    by = rows[est]
    cells = []
    for s in (0, 1, 2):
        if s in by:
            loss, ci, first, skipped = by[s]
            cells.append(('%.4f ± %.4f' % (loss, ci) if loss < 1e3 else '%.3g' % loss)
                         + (' (inner loop diverged from round %d)' % first if first else '')
                         + (' (%d episodes skipped)' % skipped if skipped else ''))
        else:
            cells.append('–')
    vals = sorted(by[s][0] for s in by)
    med = vals[len(vals)//2] if len(vals) == 3 else float('nan')
    print('| %s | %s | %.4f |' % (est, ' | '.join(cells), med))
