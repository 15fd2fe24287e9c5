"""The scikit-learn stack a data team would use instead of talentmatch recommend:
TfidfVectorizer + sparse cosine + top-k per talent (row) and per platform (column),
read from the same files, written as JSON Lines.

    python3 bench/peers/sklearn_recommend.py DATA_DIR OUT.jsonl [K]

Blocks of talents keep memory bounded (a 100k x 1k dense score matrix would be 800 MB).
"""
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def talent_text(t):
    return " ".join([t.get("name", ""), t.get("description", ""), t.get("profile", ""), " ".join(t.get("skills", []))])


def platform_text(p):
    return " ".join([p.get("name", ""), p.get("description", "")])


def main():
    data, out_path = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    talents = read_jsonl(f"{data}/talents.jsonl")
    platforms = read_jsonl(f"{data}/platforms.jsonl")
    vec = TfidfVectorizer()
    X = vec.fit_transform([talent_text(t) for t in talents] + [platform_text(p) for p in platforms])
    Xt, Xp = X[: len(talents)], X[len(talents):]
    XpT = Xp.T.tocsc()
    n, m = Xt.shape[0], Xp.shape[0]
    kt, kp = min(k, m), min(k, n)
    t_idx = np.empty((n, kt), dtype=np.int64)
    t_val = np.empty((n, kt))
    col_val = np.full((kp, m), -np.inf)  # running top-k per platform column
    col_idx = np.zeros((kp, m), dtype=np.int64)
    block = 5000
    for s in range(0, n, block):
        S = (Xt[s : s + block] @ XpT).toarray()
        part = np.argpartition(-S, kt - 1, axis=1)[:, :kt]
        vals = np.take_along_axis(S, part, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        t_idx[s : s + block] = np.take_along_axis(part, order, axis=1)
        t_val[s : s + block] = np.take_along_axis(vals, order, axis=1)
        kb = min(kp, S.shape[0])
        cpart = np.argpartition(-S, kb - 1, axis=0)[:kb, :]
        cvals = np.take_along_axis(S, cpart, axis=0)
        allv = np.vstack([col_val, cvals])
        alli = np.vstack([col_idx, cpart + s])
        sel = np.argpartition(-allv, kp - 1, axis=0)[:kp, :]
        col_val = np.take_along_axis(allv, sel, axis=0)
        col_idx = np.take_along_axis(alli, sel, axis=0)
    order = np.argsort(-col_val, axis=0, kind="stable")
    col_val = np.take_along_axis(col_val, order, axis=0)
    col_idx = np.take_along_axis(col_idx, order, axis=0)
    with open(out_path, "w", encoding="utf-8") as f:
        for i, t in enumerate(talents):
            items = [{"id": platforms[j]["id"], "score": round(float(v), 6)} for j, v in zip(t_idx[i], t_val[i])]
            f.write(json.dumps({"side": "talent", "id": t["id"], "items": items}, ensure_ascii=False) + "\n")
        for j, p in enumerate(platforms):
            items = [{"id": talents[i]["id"], "score": round(float(v), 6)} for i, v in zip(col_idx[:, j], col_val[:, j]) if v > -np.inf]
            f.write(json.dumps({"side": "platform", "id": p["id"], "items": items}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
