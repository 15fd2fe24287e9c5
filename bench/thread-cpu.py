# usage: thread-cpu.py OUTFILE PID... : samples each thread's CPU (/proc/PID/task) every 250 ms until
# SIGTERM, then writes CPU ms per process and thread name, counted from the first sample (bench/queue-cpu.sh)
import os, sys, time, signal
out, pids = sys.argv[1], sys.argv[2:]
seen = {}
base = {}
first = True
def sample():
    for p in list(pids):
        try: tids = os.listdir(f'/proc/{p}/task')
        except FileNotFoundError: continue
        for t in tids:
            try:
                st = open(f'/proc/{p}/task/{t}/stat').read()
                comm = st[st.index('(')+1:st.rindex(')')]
                f = st[st.rindex(')')+2:].split()
                v = int(f[11]) + int(f[12])
                if first: base[(p, t)] = v
                seen[(p, t)] = (comm, v - base.get((p, t), 0))
            except (FileNotFoundError, ProcessLookupError, ValueError): pass
def done(*a):
    agg = {}
    for (p, t), (c, v) in seen.items(): agg[(p, c)] = agg.get((p, c), 0) + v
    with open(out, 'w') as fh:
        for (p, c), v in sorted(agg.items()): fh.write(f'{p} {c:16s} {v*10:7d} ms\n')
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
while True:
    sample(); first = False; time.sleep(0.25)
