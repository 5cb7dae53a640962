#!/usr/bin/python3
"""Writes a metrics log in the shared format (docs/metrics.md) for plot's tests and docs picture:

    make_metrics_csv.py OUT.csv [--epochs 3] [--steps 938] [--log-every 50] [--rate 0.004]
                        [--final-acc 0.99] [--val] [--extra]

A loss falling from 2.3 like LeNet5's on MNIST (exp decay at --rate a step to a floor, with
deterministic noise), a step row every --log-every steps and an evaluation row (test_loss,
test_acc; val_loss, val_acc with --val) at each epoch's end. --extra adds a text column
"note" and a numeric "grad_norm" that plot must tolerate.
"""
import argparse
import math
import random

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--epochs", type=int, default=3)
ap.add_argument("--steps", type=int, default=938)
ap.add_argument("--log-every", type=int, default=50)
ap.add_argument("--rate", type=float, default=0.004)
ap.add_argument("--final-acc", type=float, default=0.99)
ap.add_argument("--val", action="store_true")
ap.add_argument("--extra", action="store_true")
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()
rng = random.Random(a.seed)


def loss_at(g):
    floor = 0.02
    return floor + (2.30 - floor) * math.exp(-a.rate * g)


cols = "epoch,step,global_step,time_s,lr,loss,samples_per_s,test_loss,test_acc,val_loss,val_acc".split(",")
if a.extra:
    cols += ["note", "grad_norm"]
rows = []
t = 0.0
for e in range(1, a.epochs + 1):
    for s in range(1, a.steps + 1):
        g = (e - 1) * a.steps + s
        t += 0.0021
        if s % a.log_every == 0 or s == a.steps:
            loss = loss_at(g) * math.exp(rng.gauss(0, 0.25))
            r = {"epoch": e, "step": s, "global_step": g, "time_s": round(t, 3), "lr": 0.01,
                 "loss": round(loss, 6), "samples_per_s": round(30000 + rng.gauss(0, 800))}
            if a.extra:
                r["note"] = "warm up" if g < 200 else ""
                r["grad_norm"] = round(loss * 3, 4)
            rows.append(r)
    g = e * a.steps
    t += 0.8
    test_loss = loss_at(g) * 1.3 + 0.01
    acc = a.final_acc - (a.final_acc - 0.9) * math.exp(-a.rate * g * 0.8)
    r = {"epoch": e, "step": a.steps, "global_step": g, "time_s": round(t, 3), "lr": 0.01,
         "test_loss": round(test_loss, 6), "test_acc": round(acc, 4)}
    if a.val:
        r["val_loss"] = round(test_loss * 0.97, 6)
        r["val_acc"] = round(acc + 0.002, 4)
    rows.append(r)
with open(a.out, "w") as f:
    f.write(",".join(cols) + "\n")
    for r in rows:
        f.write(",".join(str(r.get(c, "")) for c in cols) + "\n")
