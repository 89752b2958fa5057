#!/usr/bin/env python3
"""Character error rate of OCR output against the fixture generator's ground truth.

Usage: cer.py GTDIR OCRDIR [OCRDIR...]
For every GTDIR/NAME.gt.txt with text, reads OCRDIR/NAME.txt (missing = empty output)
and prints per page and in total: edit distance (insertions, deletions, substitutions
of Unicode code points) / ground-truth length, after NFC and whitespace normalisation
(every run of whitespace is one space, ends trimmed). With several OCRDIRs, one column
each, and the paired per-page differences of every column against the first.
Exit status: 0 done; 2 bad usage or no ground truth.
"""
import glob
import os
import sys
import unicodedata


def normalise(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


def edit_distance(a, b):
    """Levenshtein distance between strings a and b (two rows, O(len(a)*len(b)))."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    gtdir, ocrdirs = argv[1], argv[2:]
    pages = []
    for gt_path in sorted(glob.glob(os.path.join(gtdir, "*.gt.txt"))):
        gt = normalise(read(gt_path))
        if gt:
            pages.append((os.path.basename(gt_path)[: -len(".gt.txt")], gt))
    if not pages:
        print(f"cer.py: no ground truth with text in {gtdir}", file=sys.stderr)
        return 2
    dist = [0] * len(ocrdirs)
    total = 0
    print("page\t" + "\t".join(os.path.basename(os.path.normpath(d)) for d in ocrdirs))
    per_page = []
    for name, gt in pages:
        row = []
        for k, d in enumerate(ocrdirs):
            e = edit_distance(gt, normalise(read(os.path.join(d, name + ".txt"))))
            dist[k] += e
            row.append(e / len(gt))
        total += len(gt)
        per_page.append(row)
        print(name + "\t" + "\t".join(f"{c:.4f}" for c in row))
    print("TOTAL\t" + "\t".join(f"{e / total:.4f}" for e in dist) + f"\t({len(pages)} pages, {total} chars)")
    for k in range(1, len(ocrdirs)):
        better = sum(1 for r in per_page if r[k] < r[0])
        worse = sum(1 for r in per_page if r[k] > r[0])
        print(f"{os.path.basename(os.path.normpath(ocrdirs[k]))} vs first: "
              f"{(dist[k] - dist[0]) / total:+.4f} CER, better on {better} pages, worse on {worse}, "
              f"same on {len(per_page) - better - worse}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
