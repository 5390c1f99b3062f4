# Per-seed meta-test MSE of the sinusoid-estimators sweep, flagging runs whose inner loop diverged (mean final
# inner training loss ≥ 40 in some round). Usage: python3 sinusoid-per-seed.py SWEEP_FOLDER (default experiments/sinusoid-estimators)
import json, glob, os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else 'experiments/sinusoid-estimators'
rows = {}
for f in sorted(glob.glob(root + '/r*/summary.json')):
    run = os.path.basename(os.path.dirname(f))
    m = re.match(r'r\d+-estimator=(.*),seed=(\d)', run)
    d = json.load(open(f)); L = d['metaTest']['learned']
    met = [json.loads(l) for l in open(os.path.dirname(f) + '/metrics.jsonl') if l.strip()]
    first = next((x['round'] for x in met if not (x['trainLoss'] < 40)), None)
    rows.setdefault(m.group(1), {})[int(m.group(2))] = (L['loss'], L['lossCi95'], first)
print('| estimator | seed 0 | seed 1 | seed 2 | median of the three |')
print('|---|---|---|---|---|')
for est, by in rows.items():
    cells = []
    for s in (0, 1, 2):
        if s in by:
            loss, ci, first = by[s]
            cells.append(('%.4f ± %.4f' % (loss, ci) if loss < 1e3 else '%.3g' % loss) + (' (inner loop diverged from round %d)' % first if first else ''))
        else:
            cells.append('–')
    vals = sorted(by[s][0] for s in by)
    med = vals[len(vals)//2] if len(vals) == 3 else float('nan')
    print('| %s | %s | %.4f |' % (est, ' | '.join(cells), med))
