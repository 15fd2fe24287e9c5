"""Peer for `talentmatch match --mode optimal` on a scores CSV: scipy's linear_sum_assignment.

Reads the same scores CSV (talentId,platformId,...,score) and capacities CSV
(platformId,slots,seats) the CLI reads, expands each platform's slots into columns (a
talent x slot matrix; pairs missing from the file cannot be used), maximises the total
score and prints one JSON line: total, assigned, solve seconds (the caller times the
whole process). Scores are >= 0, so leaving a slot empty is never better than filling
it: no dummy columns are needed for the outside option.

  python3 bench/assignment/lsa_peer.py scores.csv capacities.csv
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

scores_path, caps_path = sys.argv[1], sys.argv[2]
caps = {}
with open(caps_path) as f:
    head = f.readline().strip().split(',')
    for line in f:
        row = dict(zip(head, line.strip().split(',')))
        caps[row['platformId']] = int(row['slots'])
with open(scores_path) as f:
    head = f.readline().strip().split(',')
    ti, pi, si = head.index('talentId'), head.index('platformId'), head.index('score')
    rows = [line.rstrip('\n').split(',') for line in f]
talents = sorted({r[ti] for r in rows})
tidx = {t: i for i, t in enumerate(talents)}
col0 = {}
n = 0
for p in sorted(caps):
    col0[p] = n
    n += caps[p]
NEG = -1e9  # a pair not in the file
w = np.full((len(talents), n), NEG)
for r in rows:
    p = r[pi]
    c = col0[p]
    w[tidx[r[ti]], c:c + caps[p]] = float(r[si])
t0 = time.perf_counter()
rr, cc = linear_sum_assignment(w, maximize=True)
solve = time.perf_counter() - t0
keep = w[rr, cc] > NEG / 2
total = float(w[rr, cc][keep].sum())
print(json.dumps({"total": total, "assigned": int(keep.sum()), "solveSeconds": solve}))
